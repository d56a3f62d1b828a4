/** What a log line says about anything thrown: the stack of an Error, else its text. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message;
  return typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
}
