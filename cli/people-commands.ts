// `trialcoord user …`: the people who work here and their roles. On a database with nobody yet,
// `user add` needs no --by and makes the first administrator.
import type { Command } from 'commander-v14';
import { ROLES, type Role } from '../core/vocabulary.js';
import { common, type Run } from './command.js';
import { fail } from './context.js';
import { readPassphrase } from './passphrase.js';
import { table } from './table.js';

function roles(value: string | undefined): Role[] {
  if (!value) return fail(`--role needs one or more of ${ROLES.join(', ')} (comma-separated)`);
  const list = value.split(',').map((r) => r.trim());
  for (const r of list) if (!(ROLES as readonly string[]).includes(r)) fail(`"${r}" is not a role; roles: ${ROLES.join(', ')}`);
  return list as Role[];
}

export function registerPeopleCommands(root: Command, run: Run): void {
  const user = root.command('user').description('people who work here: add, list, roles, disable, passphrase');

  common(
    user
      .command('add')
      .description("add a person (their passphrase from $TRIALCOORD_NEW_PASSPHRASE or a prompt; they choose their own at first sign-in)")
      .option('--name <name>')
      .option('--initials <AB>')
      .option('--role <role,...>'),
    true,
  ).action(
    run<{ name?: string; initials?: string; role?: string }>(async (cli, o) => {
      const name = o.name ?? fail('user add needs --name');
      const initials = (o.initials ?? fail('user add needs --initials')).toUpperCase();
      const info = cli.read('appInfo', {});
      const passphrase = await readPassphrase(`New passphrase for ${initials}: `, 'TRIALCOORD_NEW_PASSPHRASE');
      if (info.setup.state === 'new') {
        // The first person: an administrator, who needs no one to vouch for them.
        cli.assertWritable();
        cli.call('setUpFirstAdmin', { name, initials, passphrase }, { kind: 'nobody' });
        console.log(`${name} (${initials}) added as the first administrator.`);
        return 0;
      }
      const list = cli.call('addUser', { name, initials, roles: roles(o.role), passphrase }, await cli.signIn());
      const added = list.find((p) => p.initials === initials)!;
      console.log(`${added.name} (${added.initials}) added: ${added.roles.join(', ')}.`);
      return 0;
    }),
  );

  common(user.command('list').description('the people and their roles').option('--json', 'an array of people'), false).action(
    run<{ json?: boolean }>((cli, o) => {
      const people = cli.read('listUsers', {});
      if (o.json) console.log(JSON.stringify(people, null, 2));
      else table(['INITIALS', 'NAME', 'ROLES', 'STATE'], people.map((p) => [p.initials, p.name, p.roles.join(',') || '-', p.disabled ? `disabled ${p.disabled.at.slice(0, 10)}` : p.hasPassphrase ? 'active' : 'no passphrase yet']));
      return 0;
    }),
  );

  common(user.command('roles').description("set a person's roles").option('--initials <AB>').option('--role <role,...>').option('--reason <text>'), true).action(
    run<{ initials?: string; role?: string; reason?: string }>(async (cli, o) => {
      const initials = (o.initials ?? fail('user roles needs --initials')).toUpperCase();
      const list = cli.call('setUserRoles', { initials, roles: roles(o.role), reason: o.reason ?? `Roles set from the command line` }, await cli.signIn());
      console.log(`${initials}: ${list.find((p) => p.initials === initials)!.roles.join(', ')}.`);
      return 0;
    }),
  );

  common(user.command('disable').description('stop a person signing in (their record stays)').option('--initials <AB>').option('--reason <text>'), true).action(
    run<{ initials?: string; reason?: string }>(async (cli, o) => {
      const initials = (o.initials ?? fail('user disable needs --initials')).toUpperCase();
      cli.call('disableUser', { initials, reason: o.reason ?? fail('user disable needs --reason') }, await cli.signIn());
      console.log(`${initials} can no longer sign in.`);
      return 0;
    }),
  );

  common(user.command('passphrase').description("set a person's passphrase (an administrator; from $TRIALCOORD_NEW_PASSPHRASE or a prompt)").option('--initials <AB>').option('--reason <text>'), true).action(
    run<{ initials?: string; reason?: string }>(async (cli, o) => {
      const initials = (o.initials ?? fail('user passphrase needs --initials')).toUpperCase();
      const setup = cli.read('appInfo', {}).setup;
      if (setup.state === 'admin-passphrase' && setup.initials === initials) {
        // People listed before sign-in existed: the administrator sets their own first, as at the app's first start.
        cli.assertWritable();
        const passphrase = await readPassphrase(`New passphrase for ${initials}: `, 'TRIALCOORD_NEW_PASSPHRASE');
        cli.call('setUpFirstAdmin', { name: setup.name, initials, passphrase }, { kind: 'nobody' });
        console.log(`${initials}'s passphrase is set.`);
        return 0;
      }
      const caller = await cli.signIn();
      const passphrase = await readPassphrase(`New passphrase for ${initials}: `, 'TRIALCOORD_NEW_PASSPHRASE');
      cli.call('resetPassphrase', { initials, passphrase, reason: o.reason ?? 'Passphrase set by an administrator' }, caller);
      console.log(`${initials}'s passphrase is set; they choose their own at their next sign-in.`);
      return 0;
    }),
  );
}
