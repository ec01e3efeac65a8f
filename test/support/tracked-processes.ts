import { afterEach } from 'vitest';
import { spawnCli, type WorkerProcess } from './processes.js';

/** Child processes a test starts, killed after each test whatever happened (call inside a describe). */
export function trackedProcesses(): { spawn(args: string[], env: Record<string, string>): WorkerProcess } {
  const children: WorkerProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  });
  return {
    spawn(args, env) {
      const child = spawnCli(args, env);
      children.push(child);
      return child;
    },
  };
}
