import { connect } from '../../db/connect.js';
import { TARGETS } from './targets.js';

/**
 * Vitest's global setup: every database server the run was pointed at (EXO_TEST_PG_URL,
 * EXO_TEST_MSSQL_URL) answers before any test starts. One that does not fails the whole run with
 * one line, never a suite quietly skipped or a failure in every file.
 */
export default async function serversAnswer(): Promise<void> {
  for (const t of TARGETS) {
    if (t.name === 'pglite' || t.skip) continue;
    const variable = t.name === 'mssql' ? 'EXO_TEST_MSSQL_URL' : 'EXO_TEST_PG_URL';
    let db;
    try {
      db = await connect(t.target(t.name === 'mssql' ? 'dbo' : 'public'));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // One line and a failed run, before any test file is collected (a thrown error would come
      // with vitest's frame around it and a misleading "no test files found").
      process.stderr.write(`${variable} is set, but its database does not answer: ${reason}\n`);
      process.exit(1);
    }
    await db.close();
  }
}
