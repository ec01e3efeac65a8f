import type { Command } from 'commander';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('the configuration')
    .command('reference')
    .description('every configuration key with its environment variable, type, default and meaning (markdown)')
    .action(async () => console.log((await import('../../config/reference.js')).configReference()));
}
