/**
 * The embed's one way to report a failure without throwing into the shop's page: each distinct message once on
 * the console (a typo in one call must not hide a typo in another, while the same failure on every click — a
 * broken model URL — shows once), and at most 20 per page.
 */
const warned = new Set<string>();
const MAX_WARNINGS = 20;

/**
 * @example
 * warnOnce(new Error('model.json: 404')); // "tastebud: Error: model.json: 404"
 * warnOnce(err, '<tastebud-recs> could not render'); // "tastebud: <tastebud-recs> could not render (InvalidInputError: …)"
 */
export function warnOnce(e: unknown, what?: string): void {
  let text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  if (what) text = `${what} (${text})`;
  if (warned.has(text) || warned.size > MAX_WARNINGS) return;
  warned.add(text);
  console.warn(`tastebud: ${text}${warned.size > MAX_WARNINGS ? ' (further warnings suppressed)' : ''}`);
}
