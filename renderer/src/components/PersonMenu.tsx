// Who is signed in, in the title bar, with their roles; change one's passphrase, or sign out.
import { useEffect, useState, type FormEvent } from 'react';
import { ROLE_WORDS } from '../../../core/vocabulary';
import { invoke } from '../api';
import { PassphraseFields } from '../pages/SignIn';
import { usePerson, useSession } from '../session';
import { Dialog, DialogActions, Field, useAction } from './forms';

export function PersonMenu() {
  const person = usePerson();
  const session = useSession();
  const [changing, setChanging] = useState(false);
  useEffect(() => {
    document.title = `Trial Coordinator — ${person.name} (${person.initials})`;
  }, [person]);
  const signOut = async () => {
    await invoke('signOut', {}).catch(() => null);
    session.setPerson(null);
  };
  return (
    <div className="person-menu">
      <span className="person-name">
        {person.name} ({person.initials})
        <span className="person-roles" title={person.roles.map((r) => ROLE_WORDS[r]).join(', ')}>
          {person.roles.map((r) => ROLE_WORDS[r]).join(', ')}
        </span>
      </span>
      <button type="button" className="button button-small button-on-dark" onClick={() => setChanging(true)}>
        Change passphrase
      </button>
      <button type="button" className="button button-small button-on-dark" onClick={() => void signOut()}>
        Sign out
      </button>
      <ChangePassphrase open={changing} onClose={() => setChanging(false)} />
    </div>
  );
}

function ChangePassphrase(props: { open: boolean; onClose: () => void }) {
  const session = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const act = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return setMismatch(true);
    setMismatch(false);
    const person = await act.run(() => invoke('changePassphrase', { current, next }));
    if (person) {
      session.setPerson(person);
      props.onClose();
    }
  };
  return (
    <Dialog title="Change your passphrase" open={props.open} onClose={props.onClose}>
      <form className="form" onSubmit={submit}>
        <Field label="Current passphrase">{(id) => <input id={id} type="password" value={current} onChange={(e) => setCurrent(e.target.value)} required autoComplete="current-password" />}</Field>
        <PassphraseFields passphrase={next} again={again} setPassphrase={setNext} setAgain={setAgain} mismatch={mismatch} label="New passphrase" />
        <DialogActions error={act.error} busy={act.busy} confirm="Change passphrase" onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
