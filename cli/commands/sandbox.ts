import type { Command } from 'commander';
import { SANDBOX_TOKEN } from '../../sandbox/token.js';

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('run the Numerik sandbox (a fake Numerik API with faults on demand) until stopped')
    .option('--port <port>', 'port to listen on', '4010')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--token <token>', 'the bearer token it accepts', SANDBOX_TOKEN)
    .action(async (opts: { port: string; host: string; token: string }) => {
      const { startSandbox } = await import('../../sandbox/server.js');
      const sandbox = await startSandbox({ port: Number(opts.port), host: opts.host, token: opts.token });
      console.log(`Numerik sandbox on ${sandbox.url} (token "${opts.token}"); faults: POST ${sandbox.url}/_sandbox/faults`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await sandbox.close();
    });
}
