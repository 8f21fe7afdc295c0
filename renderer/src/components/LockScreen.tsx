// The idle lock: a modal over the page, which stays as it was underneath (a half-filled form,
// an open dialog), until the person signed in enters their passphrase again. Someone else can
// sign out instead; what was on the screen is then gone.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { invoke } from '../api';
import { useSession } from '../session';
import { ActionError, Field, useAction } from './forms';

export function LockScreen() {
  const session = useSession();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [passphrase, setPassphrase] = useState('');
  const act = useAction();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const person = await act.run(() => invoke('unlock', { passphrase }));
    setPassphrase('');
    if (person) session.setPerson(person);
  };
  const signOut = async () => {
    await invoke('signOut', {}).catch(() => null);
    session.setPerson(null);
  };
  return (
    // Escape does not close the lock: it is cancelled, and only the passphrase (or signing out) ends it.
    <dialog ref={ref} className="dialog lock-dialog" aria-labelledby={titleId} onCancel={(e) => e.preventDefault()}>
      <h2 id={titleId}>Locked</h2>
      <p>
        Trial Coordinator locked itself after {session.info.idleLockMinutes} minutes without use. {session.person?.name} ({session.person?.initials}): enter your passphrase to go on where you were.
      </p>
      <form className="form" onSubmit={submit}>
        <Field label="Passphrase">{(id) => <input id={id} type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} required autoComplete="current-password" autoFocus />}</Field>
        <ActionError error={act.error} title="Still locked" />
        <div className="form-actions">
          <button type="submit" className="button" disabled={act.busy}>
            Unlock
          </button>
          <button type="button" className="button button-secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </form>
    </dialog>
  );
}
