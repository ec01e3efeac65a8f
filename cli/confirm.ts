import { createInterface } from 'node:readline/promises';

export class NotConfirmedError extends Error {
  override name = 'NotConfirmedError';
}

/** Asks before a dangerous step; without a terminal to ask on, only --yes lets it through. */
export async function confirm(question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new NotConfirmedError(`${question} Refused: not a terminal, pass --yes to confirm`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new NotConfirmedError('cancelled, nothing changed');
  } finally {
    rl.close();
  }
}
