// Passphrases on the command line: from an environment variable (scripts), or typed at a prompt
// that does not echo (a person at a terminal). Never from a flag: a flag is in the process list.
import readline from 'node:readline';
import { UsageError } from './usage.js';

export async function readPassphrase(prompt: string, envName: string): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) throw new UsageError(`No passphrase: set ${envName}, or run the command at a terminal to be asked for it.`);
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Typed characters are not echoed: the prompt is written once, and nothing after it.
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput.bind(rl);
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(prompt)) write(prompt);
    };
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      if (answer === '') reject(new UsageError('No passphrase was typed.'));
      else resolve(answer);
    });
  });
}
