// Settings (administrators): the site's name and date format for printed calendars, the idle
// lock, the calendar files' reminder, and backups: the folder, how many to keep, Back up now, and
// Restore, from the folder's list or another file, with the checks of db/restore.ts. The backend
// refuses all of it to anyone who is not an administrator.
import { useState, type FormEvent } from 'react';
import type { AppInfo, BackupList, SettingKey } from '../../../core/api';
import { invoke, type ApiError } from '../api';
import { ActionError, Dialog, DialogActions, Field, useAction } from '../components/forms';
import { ErrorNotice, formatCount, Loading, Page, Section } from '../components/ui';
import { formatInstant } from '../dates';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { WorkingDaysSection } from './settings/WorkingDays';

/** Date formats a site is likely to want; any other locale can be set from the command line. */
const LOCALES = ['en-GB', 'en-US', 'en-AU', 'en-CA', 'en-IE', 'de-DE', 'es-ES', 'fr-FR', 'it-IT', 'nl-NL', 'pt-BR', 'sv-SE', 'vi-VN', 'zh-CN', 'ja-JP'];
const SAMPLE = '2026-03-09';

function sample(locale: string | undefined): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${SAMPLE}T00:00:00Z`));
}

function sizeOf(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${formatCount(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

export function Settings() {
  const session = useSession();
  const [refresh, setRefresh] = useState(0);
  const info = useApi('appInfo', {}, refresh);
  const backups = useApi('listBackups', {}, refresh);
  if (!session.can('admin'))
    return (
      <Page title="Settings">
        <p>Only an administrator changes the site's settings, backs up and restores.</p>
      </Page>
    );
  const again = () => {
    setRefresh((r) => r + 1);
    void session.refresh();
  };
  return (
    <Page title="Settings">
      {info.state === 'loading' && <Loading what="the settings" />}
      {info.state === 'error' && <ErrorNotice error={info.error} />}
      {info.state === 'ready' && <SiteSettings info={info.value} onSaved={again} />}
      <WorkingDaysSection />
      <Section id="backups" title="Backups">
        {backups.state === 'loading' && <Loading what="the backups" />}
        {backups.state === 'error' && <ErrorNotice error={backups.error} />}
        {backups.state === 'ready' && <Backups list={backups.value} onChanged={again} />}
      </Section>
    </Page>
  );
}

function SiteSettings({ info, onSaved }: { info: AppInfo; onSaved: () => void }) {
  const [siteName, setSiteName] = useState(info.siteName ?? '');
  const [locale, setLocale] = useState(info.dateLocale ?? '');
  const [idle, setIdle] = useState(String(info.idleLockMinutes));
  const [reminder, setReminder] = useState(String(info.reminderDays));
  const [saved, setSaved] = useState(false);
  const act = useAction();
  const changes: [SettingKey, string, string][] = [
    ['site_name', siteName.trim(), info.siteName ?? ''],
    ['date_locale', locale, info.dateLocale ?? ''],
    ['idle_lock_minutes', idle.trim(), String(info.idleLockMinutes)],
    ['reminder_days', reminder.trim(), String(info.reminderDays)],
  ];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const changed = changes.filter(([, value, was]) => value !== was && value !== '');
    const ok = await act.run(async () => {
      for (const [key, value] of changed) await invoke('setSetting', { key, value });
      return true;
    });
    if (ok) {
      setSaved(true);
      onSaved();
    }
  };
  const own = Intl.DateTimeFormat().resolvedOptions().locale;
  return (
    <Section id="site" title="The site">
      <form className="form settings-form" onSubmit={submit}>
        <Field label="Site name" hint="At the top of every printed calendar and list">
          {(id, hint) => <input id={id} value={siteName} onChange={(e) => setSiteName(e.target.value)} maxLength={200} aria-describedby={hint} placeholder="For example: Liver Unit, City Hospital" />}
        </Field>
        <Field label="Date format" hint={`How dates are written on screen and on paper; files always use ${SAMPLE}`}>
          {(id, hint) => (
            <select id={id} value={locale} onChange={(e) => setLocale(e.target.value)} aria-describedby={hint}>
              {info.dateLocale === null && <option value="">This computer's ({own}): {sample(undefined)}</option>}
              {[...new Set([...(info.dateLocale ? [info.dateLocale] : []), ...LOCALES])].map((l) => (
                <option key={l} value={l}>
                  {l}: {sample(l)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Lock the app after (minutes without use)" hint="From 1 to 120; the passphrase opens it again">
          {(id, hint) => <input id={id} value={idle} onChange={(e) => setIdle(e.target.value)} inputMode="numeric" size={4} aria-describedby={hint} />}
        </Field>
        <Field label="Calendar reminders (days before a visit)" hint="For calendar files (iCalendar) a participant imports on a phone; 0 for none">
          {(id, hint) => <input id={id} value={reminder} onChange={(e) => setReminder(e.target.value)} inputMode="numeric" size={4} aria-describedby={hint} />}
        </Field>
        <ActionError error={act.error} title="Not saved" />
        <div className="form-actions">
          <button type="submit" className="button" disabled={act.busy}>
            Save settings
          </button>
          {saved && (
            <span role="status" className="muted">
              Saved.
            </span>
          )}
        </div>
      </form>
    </Section>
  );
}

function Backups({ list, onChanged }: { list: BackupList; onChanged: () => void }) {
  const [folder, setFolder] = useState(list.folder);
  const [keep, setKeep] = useState(String(list.keep));
  const [other, setOther] = useState('');
  const [restoring, setRestoring] = useState<string | null>(null);
  const [made, setMade] = useState<string | null>(null);
  const save = useAction();
  const backUp = useAction();
  const saveFolder = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await save.run(async () => {
      if (folder.trim() !== list.folder) await invoke('setSetting', { key: 'backup_folder', value: folder.trim() });
      if (keep.trim() !== String(list.keep)) await invoke('setSetting', { key: 'backup_keep', value: keep.trim() });
      return true;
    });
    if (ok) onChanged();
  };
  const backUpNow = async () => {
    setMade(null);
    const r = await backUp.run(() => invoke('backupNow', {}));
    if (r) {
      setMade(r.file);
      onChanged();
    }
  };
  return (
    <>
      <form className="form settings-form" onSubmit={saveFolder}>
        <Field label="Backup folder" hint="A full path; a folder on another disk keeps the backups safe if this one fails">
          {(id, hint) => <input id={id} value={folder} onChange={(e) => setFolder(e.target.value)} aria-describedby={hint} spellCheck={false} />}
        </Field>
        <Field label="Backups to keep" hint="The newest are kept; one is made each day the app starts">
          {(id, hint) => <input id={id} value={keep} onChange={(e) => setKeep(e.target.value)} inputMode="numeric" size={5} aria-describedby={hint} />}
        </Field>
        <ActionError error={save.error} title="Not saved" />
        <div className="form-actions">
          <button type="submit" className="button button-secondary" disabled={save.busy}>
            Save backup settings
          </button>
          <button type="button" className="button" onClick={() => void backUpNow()} disabled={backUp.busy}>
            {backUp.busy ? 'Backing up…' : 'Back up now'}
          </button>
        </div>
        <ActionError error={backUp.error} title="No backup was made" />
        {made && (
          <p role="status" className="notice notice-success">
            Backed up to {made}
          </p>
        )}
      </form>

      <h3>Restore</h3>
      <p className="muted">A restore checks the backup first (the file, its tables, its audit trail) and replaces the database only if it passes. The current database is kept beside it, not deleted. Everyone signs in again afterwards.</p>
      {list.backups.length === 0 ? (
        <p>There are no backups in {list.folder} yet.</p>
      ) : (
        <table className="table backups-table">
          <caption className="visually-hidden">Backups in {list.folder}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Made</th>
              <th scope="col">Size</th>
              <th scope="col">File</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.backups.map((b) => (
              <tr key={b.file}>
                <td className="nowrap">{b.madeAt ? formatInstant(b.madeAt) : '—'}</td>
                <td className="nowrap">{sizeOf(b.bytes)}</td>
                <td className="file-name">{b.name}</td>
                <td className="row-actions">
                  <button type="button" className="button button-small button-secondary" onClick={() => setRestoring(b.file)} aria-label={`Restore the backup made ${b.madeAt ? formatInstant(b.madeAt) : b.name}`}>
                    Restore…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="form settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (other.trim()) setRestoring(other.trim());
        }}
      >
        <Field label="Restore from another file" hint="The full path of a backup on this computer or a disk attached to it">
          {(id, hint) => <input id={id} value={other} onChange={(e) => setOther(e.target.value)} aria-describedby={hint} spellCheck={false} placeholder="/path/to/trial-coordinator-backup.sqlite" />}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button button-secondary" disabled={!other.trim()}>
            Restore from this file…
          </button>
        </div>
      </form>
      {restoring && <ConfirmRestore file={restoring} onClose={() => setRestoring(null)} />}
    </>
  );
}

function ConfirmRestore({ file, onClose }: { file: string; onClose: () => void }) {
  const session = useSession();
  const act = useAction();
  const [done, setDone] = useState<{ keptAside: string | null } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await act.run(() => invoke('restoreBackup', { file }));
    if (r) setDone(r);
  };
  if (done)
    return (
      <Dialog title="Restored" open onClose={() => void session.refresh()}>
        <p role="status">The backup is now the site's database{done.keptAside ? <>; the one it replaced is kept as {done.keptAside}</> : null}.</p>
        <p>Sign in again to go on.</p>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => void session.refresh()}>
            Sign in again
          </button>
        </div>
      </Dialog>
    );
  return (
    <Dialog title="Restore this backup?" open onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <p>
          Replace the site's database with <span className="file-name">{file}</span>?
        </p>
        <p>Everything recorded since that backup was made will not be in the restored database; the current database is kept aside, so nothing is deleted.</p>
        <RestoreError error={act.error} />
        <DialogActions error={null} busy={act.busy} confirm="Restore" danger onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function RestoreError({ error }: { error: ApiError | null }) {
  return <ActionError error={error} title="Not restored: nothing was changed" />;
}
