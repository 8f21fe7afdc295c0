// The screens before the app: the first start (the site's first administrator), sign-in, and a
// person choosing their own passphrase after an administrator set one for them.
import { useState, type FormEvent } from 'react';
import { PASSPHRASE_MIN } from '../../../core/api';
import { invoke } from '../api';
import { ActionError, Field, useAction } from '../components/forms';
import { useSession } from '../session';

function Shell(props: { title: string; lead: string; children: React.ReactNode }) {
  return (
    <main id="main" className="gate" tabIndex={-1}>
      <div className="gate-card">
        <div className="brand brand-dark" aria-hidden="true">
          <span className="brand-mark">TC</span>
          Trial Coordinator
        </div>
        <h1>{props.title}</h1>
        <p className="lead">{props.lead}</p>
        {props.children}
      </div>
    </main>
  );
}

export function SignIn() {
  const session = useSession();
  const [initials, setInitials] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const act = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const person = await act.run(() => invoke('signIn', { initials: initials.trim().toUpperCase(), passphrase }));
    setPassphrase('');
    if (person) session.setPerson(person);
  };
  return (
    <Shell title="Sign in" lead={session.info.siteName ? `${session.info.siteName}: every change you make is recorded with your initials.` : 'Every change you make is recorded with your initials.'}>
      <form className="form" onSubmit={submit}>
        <Field label="Initials">{(id) => <input id={id} value={initials} onChange={(e) => setInitials(e.target.value)} required autoComplete="username" autoCapitalize="characters" maxLength={8} autoFocus />}</Field>
        <Field label="Passphrase">{(id) => <input id={id} type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} required autoComplete="current-password" />}</Field>
        <ActionError error={act.error} title="Not signed in" />
        <div className="form-actions">
          <button type="submit" className="button" disabled={act.busy}>
            Sign in
          </button>
        </div>
      </form>
    </Shell>
  );
}

/** The first start: the first person, an administrator; or, after an upgrade, the administrator's first passphrase. */
export function FirstStart() {
  const session = useSession();
  const setup = session.info.setup;
  const existing = setup.state === 'admin-passphrase' ? setup : null;
  const [name, setName] = useState(existing?.name ?? '');
  const [initials, setInitials] = useState(existing?.initials ?? '');
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [weekdays, setWeekdays] = useState(false);
  const act = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (passphrase !== again) return setMismatch(true);
    setMismatch(false);
    const person = await act.run(async () => {
      const p = await invoke('setUpFirstAdmin', { name, initials: initials.trim().toUpperCase(), passphrase });
      // A new site has no participants yet: nothing to re-plan, so the days are saved at once.
      if (weekdays) await invoke('setWorkingDays', { days: [1, 2, 3, 4, 5], apply: true });
      return p;
    });
    if (person) {
      await session.refresh();
      session.setPerson(person);
    }
  };
  return (
    <Shell
      title={existing ? 'Set the administrator’s passphrase' : 'Set up Trial Coordinator'}
      lead={
        existing
          ? `People now sign in with a passphrase. ${existing.name} (${existing.initials}) is the administrator: choose their passphrase, then set the others’ from People.`
          : 'The first person is the administrator: they add the others and give them their roles.'
      }
    >
      <form className="form" onSubmit={submit}>
        <Field label="Name">{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} required autoComplete="name" readOnly={existing !== null} />}</Field>
        <Field label="Initials" hint="1 to 8 capital letters, recorded beside every change you make">
          {(id, hint) => <input id={id} value={initials} onChange={(e) => setInitials(e.target.value)} required maxLength={8} aria-describedby={hint} readOnly={existing !== null} />}
        </Field>
        <PassphraseFields passphrase={passphrase} again={again} setPassphrase={setPassphrase} setAgain={setAgain} mismatch={mismatch} />
        {!existing && (
          <label className="check">
            <input type="checkbox" checked={weekdays} onChange={(e) => setWeekdays(e.target.checked)} />
            <span>The site is open Monday to Friday: a visit the protocol puts on a weekend moves to a weekday inside its window (Settings changes this, and adds holidays)</span>
          </label>
        )}
        <ActionError error={act.error} title="Not set up" />
        <div className="form-actions">
          <button type="submit" className="button" disabled={act.busy}>
            {existing ? 'Set passphrase and sign in' : 'Create administrator and sign in'}
          </button>
        </div>
      </form>
    </Shell>
  );
}

export function PassphraseFields(props: { passphrase: string; again: string; setPassphrase: (s: string) => void; setAgain: (s: string) => void; mismatch: boolean; label?: string }) {
  return (
    <>
      <Field label={props.label ?? 'Passphrase'} hint={`At least ${PASSPHRASE_MIN} characters; a few words you can remember is best`}>
        {(id, hint) => (
          <input id={id} type="password" value={props.passphrase} onChange={(e) => props.setPassphrase(e.target.value)} required minLength={PASSPHRASE_MIN} autoComplete="new-password" aria-describedby={hint} />
        )}
      </Field>
      <Field label="The same again">
        {(id) => <input id={id} type="password" value={props.again} onChange={(e) => props.setAgain(e.target.value)} required autoComplete="new-password" aria-invalid={props.mismatch || undefined} />}
      </Field>
      {props.mismatch && (
        <p className="field-error" role="alert">
          The two passphrases are not the same.
        </p>
      )}
    </>
  );
}

/** A passphrase an administrator chose: the person chooses their own before anything else. */
export function ChooseOwnPassphrase() {
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
    if (person) session.setPerson(person);
  };
  return (
    <Shell title="Choose your passphrase" lead={`${session.person?.name ?? ''}: an administrator set your passphrase. Choose your own; nobody else will know it.`}>
      <form className="form" onSubmit={submit}>
        <Field label="Passphrase you were given">{(id) => <input id={id} type="password" value={current} onChange={(e) => setCurrent(e.target.value)} required autoComplete="current-password" />}</Field>
        <PassphraseFields passphrase={next} again={again} setPassphrase={setNext} setAgain={setAgain} mismatch={mismatch} label="Your new passphrase" />
        <ActionError error={act.error} title="Not changed" />
        <div className="form-actions">
          <button type="submit" className="button" disabled={act.busy}>
            Save and go on
          </button>
        </div>
      </form>
    </Shell>
  );
}
