/** Where the embedded database lives unless configured (database.pgliteDir), relative to the working folder. */
export const DEFAULT_PGLITE_DIR = '.exo-numerik/pglite';
