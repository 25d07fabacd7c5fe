import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedVeilError } from '../errors.js';
import { webhookSecret } from './break-glass-services.js';
import { parseServerConfig } from './config.js';

const parse = (text: string) => parseServerConfig(text, { source: 'medveil.yaml', baseDir: '/' });

test('the embedded defaults: 4 hours at most, 3 sessions a day, review within 24 hours, no webhook and no e-mail', () => {
  const config = parse('');
  assert.deepEqual(config.breakGlass, { maxMinutes: 240, maxSessionsPerUser: 3, rateWindowHours: 24, reviewWithinHours: 24, jobSeconds: 60 });
  assert.equal(config.notifications.webhookUrl, undefined);
  assert.equal(config.notifications.smtp, undefined);
  assert.deepEqual(config.notifications.emailRecipients, []);
});

test('a full notifications section is read', () => {
  const config = parse(`notifications:
  webhookUrl: https://pager.hospital.test/medveil
  smtp: { host: mail.hospital.test, port: 587, from: medveil@hospital.test, startTls: true }
  emailRecipients: [{ user: dso1, address: dso1@hospital.test }]
`);
  assert.equal(config.notifications.webhookUrl, 'https://pager.hospital.test/medveil');
  assert.deepEqual(config.notifications.smtp, { host: 'mail.hospital.test', port: 587, from: 'medveil@hospital.test', startTls: true });
  assert.deepEqual(config.notifications.emailRecipients, [{ user: 'dso1', address: 'dso1@hospital.test' }]);
});

test('every malformed key stops the server, naming it', () => {
  const cases: [string, RegExp][] = [
    ['breakGlass: { maxMinutes: 241 }', /breakGlass\.maxMinutes must be a whole number from 1 to 240/],
    ['breakGlass: { maxSessionsPerUser: 0 }', /breakGlass\.maxSessionsPerUser/],
    ['breakGlass: { reviewAfter: 3 }', /unknown key "breakGlass\.reviewAfter"/],
    ['notifications: { webhookUrl: "ftp://x.test/" }', /webhookUrl must start with https/],
    ['notifications: { webhookUrl: "https://user:pw@x.test/" }', /must not carry credentials/],
    ['notifications: { webhookSecretEnv: "lower" }', /webhookSecretEnv must name an environment variable/],
    ['notifications: { smtp: { host: mail.test, from: "not an address" } }', /smtp\.from must be a plain e-mail address/],
    ['notifications: { emailRecipients: [{ user: a, address: "a@b.test", extra: 1 }] }', /emailRecipients\[0\] must be \{ user, address \}/],
    ['notifications: { emailRecipients: [{ user: a, address: "Name <a@b.test>" }] }', /emailRecipients\[0\]\.address/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parse(text), (error: unknown) => error instanceof MedVeilError && error.code === 'config' && message.test(error.message), text);
  }
});

test('a webhook needs its secret in the named environment variable, at least 32 bytes, and the message never shows it', () => {
  const { notifications } = parse('notifications: { webhookUrl: "https://x.test/hook", webhookSecretEnv: HOOK_SECRET }');
  assert.throws(() => webhookSecret(notifications, {}), /HOOK_SECRET does not hold a secret of at least 32 bytes/);
  assert.throws(() => webhookSecret(notifications, { HOOK_SECRET: 'short-secret' }), (error: unknown) => error instanceof MedVeilError && !error.message.includes('short-secret'));
  assert.equal(webhookSecret(notifications, { HOOK_SECRET: 'k'.repeat(32) }), 'k'.repeat(32));
  assert.equal(webhookSecret(parse('').notifications, {}), undefined, 'no webhook, no secret needed');
});
