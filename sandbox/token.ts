/** The bearer token the sandbox accepts unless told otherwise (it guards nothing real). */
export const SANDBOX_TOKEN = 'sandbox-token';
