/**
 * What `medveil serve` prints on a start with no account: the one-time code and the exact
 * request that creates the first administrator. It goes to the terminal, not to the log.
 */
export function bootstrapNotice(options: { code: string; url: string; expiresAt: number }): string {
  const until = new Date(options.expiresAt).toISOString().slice(11, 16);
  const body = JSON.stringify({ code: options.code, userName: 'your.name', password: '<a passphrase of 12 or more characters>' });
  return [
    '',
    'No administrator exists yet. Create the first one with this one-time bootstrap code',
    `(valid for 15 minutes, until ${until} UTC; restarting the server prints a new one):`,
    '',
    `    ${options.code}`,
    '',
    `  curl -sS ${options.url}/api/bootstrap -H 'content-type: application/json' \\`,
    `    -d '${body}'`,
    '',
    `Then sign in (POST ${options.url}/api/login) and enrol your authenticator app`,
    '(POST /api/me/totp, then POST /api/me/totp/confirm with its current code).',
    `Or open ${options.url}/console/ in a browser: it asks for the code and does the same.`,
    'docs/server.md walks through every step. There is no default account or password.',
    '',
    '',
  ].join('\n');
}
