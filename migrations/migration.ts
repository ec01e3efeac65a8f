import type { Db } from '../db/connect.js';
import type { Dialect, Statement } from '../db/dialect/dialect.js';

/**
 * An EXTRA_FIELDS row that makes one of our TASKS columns visible on an activity's Extra Fields tab.
 * Exo does not document these columns (exo-schema.md §2): copy the values of a field created with
 * Exo Configurator on a test database into the configuration; these defaults are a guess.
 */
export interface ExtraFieldOptions {
  displayName: string;
  controlNo: number | null;
  controlSize: number | null;
  controlType: number | null;
  dataType: string | null;
  dataSize: number | null;
  editable: 'Y' | 'N';
  tooltip: string | null;
}

export interface MigrationOptions {
  /** X_NUMERIK_FOLDER's row. */
  extraField: ExtraFieldOptions;
  /** X_NUMERIK_POST's row. */
  postField: ExtraFieldOptions;
  /** X_NUMERIK_STATE's row. */
  stateField: ExtraFieldOptions;
}

/** What only a field made with Exo Configurator can tell (exo-schema.md §2): unknown until copied. */
const FROM_CONFIGURATOR = { controlNo: null, controlSize: null, controlType: null, dataType: null } as const;

export const DEFAULT_MIGRATION_OPTIONS: MigrationOptions = {
  extraField: {
    displayName: 'Numerik attachments',
    ...FROM_CONFIGURATOR,
    dataSize: 255,
    editable: 'N',
    tooltip: 'Folder of the Numerik attachments of this activity (exo-numerik)',
  },
  postField: {
    displayName: 'Numerik post',
    ...FROM_CONFIGURATOR,
    dataSize: 255,
    editable: 'N',
    tooltip: "This activity's post in Numerik (exo-numerik)",
  },
  stateField: {
    displayName: 'Numerik sync',
    ...FROM_CONFIGURATOR,
    dataSize: 100,
    editable: 'N',
    tooltip: 'Whether this activity is in Numerik, waiting, or stopped (exo-numerik)',
  },
};

/** A migration is data: its statements per dialect, printable and checkable without a database. */
export interface Migration {
  name: string;
  summary: string;
  up(dialect: Dialect, options: MigrationOptions): Statement[];
  down(dialect: Dialect, options: MigrationOptions): Statement[];
  /**
   * Work `migrate down` does, through the service's own code, before the statements of `down` run:
   * what would make `down` refuse (work its tables still hold), done first. A hand-run script has
   * no such step, so `down` itself must refuse rather than lose that work.
   */
  beforeDown?: { says: string; run(db: Db): Promise<void> };
}
