// Child process for the crash test: acknowledged writes through the app's own write path. Each
// "ack N" is printed only after the transaction holding row N has committed.
import { openDatabase } from '../../db/connection.js';

const [file, fromArg, countArg] = process.argv.slice(2);
const conn = openDatabase(file!);
const from = Number(fromArg);
for (let i = from; i < from + Number(countArg); i++) {
  conn.write({ by: 'crash-test', method: 'crashWrite', at: new Date().toISOString() }, (db) => {
    db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?)').run(`crash-${i}`, 'x'.repeat(200));
  });
  process.stdout.write(`ack ${i}\n`);
}
conn.close();
