import { ConfigError } from '../config/load.js';
import { DbUnavailableError } from '../db/connect.js';
import { ExoSchemaError } from '../db/exo/check.js';
import { DbTargetError } from '../db/target.js';
import { GuardError } from '../migrations/guard/index.js';
import { MigrationFailedError } from '../migrations/runner.js';
import { NumerikError } from '../sync/numerik/errors.js';
import { ListenError } from '../api/server.js';
import { CommanderError } from 'commander';
import { SettingError } from '../sync/settings.js';
import { MappingError } from '../sync/mappings.js';
import { ActionRefusedError, RecordUnavailableError } from '../sync/record/actions.js';
import { UnknownRecordError } from '../sync/record/record-view.js';
import { NotConfirmedError } from './confirm.js';
import { ServiceAnswerError } from './running-service.js';

/** Failures whose message already says what is wrong and what to do: printed alone, no stack. */
const EXPLAINED = [ConfigError, DbTargetError, DbUnavailableError, ExoSchemaError, GuardError, MigrationFailedError, NotConfirmedError, NumerikError, ListenError, SettingError, MappingError, ActionRefusedError, RecordUnavailableError, UnknownRecordError, ServiceAnswerError, CommanderError];

export function describeFailure(error: unknown): string {
  if (EXPLAINED.some((kind) => error instanceof kind)) return (error as Error).message;
  const message = error instanceof Error ? error.message : String(error);
  return `${message} (set EXO_LOG_LEVEL=debug for details)`;
}
