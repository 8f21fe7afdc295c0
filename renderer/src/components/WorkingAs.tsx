import { useEffect, useState, type FormEvent } from 'react';
import type { User } from '../../../core/api';
import { invoke } from '../api';
import { setUser, useUser } from '../user';
import { Dialog, DialogActions, Field, useAction } from './forms';

const ADD = '__add__';

/** Who is working: chosen from this site's people at start, shown in the title bar, recorded with every change. */
export function WorkingAs() {
  const user = useUser();
  const [users, setUsers] = useState<readonly User[]>([]);
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    void invoke('listUsers', {}).then(setUsers, () => setUsers([]));
  }, []);
  const current = users.find((u) => u.initials === user);
  useEffect(() => {
    document.title = current ? `Trial Coordinator — ${current.name} (${current.initials})` : 'Trial Coordinator';
  }, [current]);
  return (
    <div className="working-as">
      <label htmlFor="working-as">Working as</label>
      <select
        id="working-as"
        value={current ? current.initials : ''}
        onChange={(e) => (e.target.value === ADD ? setAdding(true) : setUser(e.target.value))}
      >
        <option value="">Choose…</option>
        {users.map((u) => (
          <option key={u.initials} value={u.initials}>
            {u.name} ({u.initials})
          </option>
        ))}
        <option value={ADD}>Add a person…</option>
      </select>
      <AddPerson
        open={adding}
        onClose={() => setAdding(false)}
        onAdded={(list, initials) => {
          setUsers(list);
          setUser(initials);
          setAdding(false);
        }}
      />
    </div>
  );
}

function AddPerson(props: { open: boolean; onClose: () => void; onAdded: (users: readonly User[], initials: string) => void }) {
  const [name, setName] = useState('');
  const [initials, setInitials] = useState('');
  const act = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const list = await act.run(() => invoke('addUser', { name, initials: initials.toUpperCase() }));
    if (list) props.onAdded(list, initials.toUpperCase());
  };
  return (
    <Dialog title="Add a person who works here" open={props.open} onClose={props.onClose}>
      <form className="form" onSubmit={submit}>
        <Field label="Name">{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} required autoComplete="name" />}</Field>
        <Field label="Initials" hint="Recorded beside every change you make">
          {(id, hint) => <input id={id} value={initials} onChange={(e) => setInitials(e.target.value)} required maxLength={8} aria-describedby={hint} />}
        </Field>
        <DialogActions error={act.error} busy={act.busy} confirm="Add" onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
