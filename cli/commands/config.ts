import type { Command } from 'commander';
import { configReference } from '../../config/reference.js';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('the configuration')
    .command('reference')
    .description('every configuration key with its environment variable, type, default and meaning (markdown)')
    .action(() => console.log(configReference()));
}
