// People who work here (administrators): add a person with their roles and a first passphrase
// (they choose their own at their first sign-in), change roles, set a new passphrase, disable.
// The backend refuses all of it to anyone who is not an administrator.
import { useState, type FormEvent } from 'react';
import type { Person } from '../../../core/api';
import { ROLE_WORDS, ROLES, type Role } from '../../../core/vocabulary';
import { invoke } from '../api';
import { Dialog, DialogActions, Field, useAction } from '../components/forms';
import { Badge, ErrorNotice, Loading, Page } from '../components/ui';
import { formatInstant } from '../dates';
import { usePerson, useSession } from '../session';
import { useApi } from '../useApi';
import { PassphraseFields } from './SignIn';

const ROLE_HINTS: Record<Role, string> = {
  admin: 'people, roles, settings, backup and restore',
  coordinator: 'screen, enroll, record visits and doses, correct them',
  investigator: 'what a coordinator does, and confirms eligibility',
  unblinded: 'may unblind a participant; sees arms after unblinding',
  monitor: 'reads and exports what a blinded person sees; changes nothing',
};

export function People() {
  const session = useSession();
  const [refresh, setRefresh] = useState(0);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<{ person: Person; what: 'roles' | 'passphrase' | 'disable' } | null>(null);
  const people = useApi('listUsers', {}, refresh);
  const done = () => {
    setAdding(false);
    setEditing(null);
    setRefresh((r) => r + 1);
  };
  if (!session.can('admin'))
    return (
      <Page title="People">
        <p>Only an administrator manages people and roles.</p>
      </Page>
    );
  return (
    <Page
      title="People"
      actions={
        <button type="button" className="button" onClick={() => setAdding(true)}>
          Add a person
        </button>
      }
    >
      {people.state === 'loading' && <Loading what="people" />}
      {people.state === 'error' && <ErrorNotice error={people.error} />}
      {people.state === 'ready' && (
        <table className="table">
          <caption className="visually-hidden">People who work here</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Initials</th>
              <th scope="col">Roles</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {people.value.map((p) => (
              <tr key={p.initials}>
                <td>{p.name}</td>
                <td>{p.initials}</td>
                <td>{p.roles.map((r) => ROLE_WORDS[r]).join(', ') || '—'}</td>
                <td>{p.disabled ? <Badge tone="warning">Disabled {formatInstant(p.disabled.at)}</Badge> : p.hasPassphrase ? <Badge tone="success">Active</Badge> : <Badge>No passphrase yet</Badge>}</td>
                <td className="row-actions">
                  {!p.disabled && (
                    <>
                      <button type="button" className="button button-small button-secondary" onClick={() => setEditing({ person: p, what: 'roles' })} aria-label={`Roles of ${p.name}`}>
                        Roles
                      </button>
                      <button type="button" className="button button-small button-secondary" onClick={() => setEditing({ person: p, what: 'passphrase' })} aria-label={`Set a passphrase for ${p.name}`}>
                        Set passphrase
                      </button>
                      <button type="button" className="button button-small button-secondary" onClick={() => setEditing({ person: p, what: 'disable' })} aria-label={`Disable ${p.name}`}>
                        Disable
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddPerson open={adding} onClose={() => setAdding(false)} onDone={done} />
      {editing && <EditPerson key={`${editing.person.initials}-${editing.what}`} {...editing} onClose={() => setEditing(null)} onDone={done} />}
    </Page>
  );
}

function RoleChoices(props: { roles: readonly Role[]; onChange: (roles: Role[]) => void }) {
  return (
    <fieldset className="field">
      <legend>Roles</legend>
      {ROLES.map((r) => (
        <label key={r} className="check">
          <input type="checkbox" checked={props.roles.includes(r)} onChange={(e) => props.onChange(e.target.checked ? [...props.roles, r] : props.roles.filter((x) => x !== r))} />
          <span>
            <strong>{ROLE_WORDS[r]}</strong> <span className="muted">— {ROLE_HINTS[r]}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function AddPerson(props: { open: boolean; onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState('');
  const [initials, setInitials] = useState('');
  const [roles, setRoles] = useState<Role[]>(['coordinator']);
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const act = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (passphrase !== again) return setMismatch(true);
    setMismatch(false);
    if (await act.run(() => invoke('addUser', { name, initials: initials.trim().toUpperCase(), roles, passphrase }))) props.onDone();
  };
  return (
    <Dialog title="Add a person" open={props.open} onClose={props.onClose}>
      <form className="form" onSubmit={submit}>
        <Field label="Name">{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" />}</Field>
        <Field label="Initials" hint="1 to 8 capital letters, recorded beside every change they make">
          {(id, hint) => <input id={id} value={initials} onChange={(e) => setInitials(e.target.value)} required maxLength={8} aria-describedby={hint} />}
        </Field>
        <RoleChoices roles={roles} onChange={setRoles} />
        <PassphraseFields passphrase={passphrase} again={again} setPassphrase={setPassphrase} setAgain={setAgain} mismatch={mismatch} label="First passphrase (they choose their own when they first sign in)" />
        <DialogActions error={act.error} busy={act.busy} confirm="Add" onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

function EditPerson(props: { person: Person; what: 'roles' | 'passphrase' | 'disable'; onClose: () => void; onDone: () => void }) {
  const me = usePerson();
  const { person: p, what } = props;
  const [roles, setRoles] = useState<Role[]>([...p.roles]);
  const [reason, setReason] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const act = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (what === 'passphrase' && passphrase !== again) return setMismatch(true);
    setMismatch(false);
    const r = await act.run(() =>
      what === 'roles'
        ? invoke('setUserRoles', { initials: p.initials, roles, reason })
        : what === 'passphrase'
          ? invoke('resetPassphrase', { initials: p.initials, passphrase, reason })
          : invoke('disableUser', { initials: p.initials, reason }),
    );
    if (r) props.onDone();
  };
  const title = what === 'roles' ? `Roles of ${p.name}` : what === 'passphrase' ? `A new passphrase for ${p.name}` : `Disable ${p.name}`;
  return (
    <Dialog title={title} open onClose={props.onClose}>
      <form className="form" onSubmit={submit}>
        {what === 'roles' && <RoleChoices roles={roles} onChange={setRoles} />}
        {what === 'passphrase' && <PassphraseFields passphrase={passphrase} again={again} setPassphrase={setPassphrase} setAgain={setAgain} mismatch={mismatch} label="New passphrase (they choose their own at their next sign-in)" />}
        {what === 'disable' && <p>{p.initials === me.initials ? 'You cannot disable yourself.' : `${p.name} will no longer be able to sign in. Everything they recorded stays, with their initials.`}</p>}
        <Field label="Reason">{(id) => <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} required />}</Field>
        <DialogActions error={act.error} busy={act.busy} confirm={what === 'roles' ? 'Save roles' : what === 'passphrase' ? 'Set passphrase' : 'Disable'} danger={what === 'disable'} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
