import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MedVeilError } from '../errors.js';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtp-sink.js';
import { dotStuff, formatSmtpMessage, sendSmtpMail } from './smtp-client.js';

let sink: SmtpSink;
before(async () => (sink = await startSmtpSink()));
after(async () => sink.close());

const NOW = new Date(Date.UTC(2025, 5, 2, 10, 0, 0));
const settings = () => ({ host: '127.0.0.1', port: sink.port, from: 'medveil@hospital.test', startTls: false, timeoutMs: 5000 });

test('dotStuff() doubles a dot that starts a line, and only there (RFC 5321 4.5.2)', () => {
  const cases: [string, string][] = [
    ['.', '..'],
    ['a\r\n.b\r\nc.d', 'a\r\n..b\r\nc.d'],
    ['..\r\n.', '...\r\n..'],
    ['no dots', 'no dots'],
  ];
  for (const [input, expected] of cases) assert.equal(dotStuff(input), expected, JSON.stringify(input));
});

test('sendSmtpMail() delivers one message whose lines, dots first included, arrive as written', async () => {
  const text = 'first line\n.a line that starts with a dot\n.\n..two dots\nlast';
  await sendSmtpMail(settings(), { to: 'dso@hospital.test', subject: 'test subject', text }, NOW);
  const mail = sink.mails.at(-1)!;
  assert.equal(mail.from, 'medveil@hospital.test');
  assert.deepEqual(mail.to, ['dso@hospital.test']);
  const [headers, body] = mail.data.split('\r\n\r\n', 2) as [string, string];
  assert.equal(body, text.replace(/\n/g, '\r\n'));
  assert.match(headers, /^Subject: test subject$/m);
  assert.match(headers, /^Date: Mon, 02 Jun 2025 10:00:00 \+0000$/m);
  assert.deepEqual(sink.commands.slice(-5).map((line) => line.split(/[ :]/)[0]), ['EHLO', 'MAIL', 'RCPT', 'DATA', 'QUIT']);
});

test('sendSmtpMail() fails with the step and the reply when the server refuses, and nothing is delivered', async () => {
  const before = sink.mails.length;
  sink.failNext(1);
  await assert.rejects(
    sendSmtpMail(settings(), { to: 'dso@hospital.test', subject: 's', text: 't' }, NOW),
    (error: unknown) => error instanceof MedVeilError && /MAIL FROM answered 451/.test(error.message),
  );
  assert.equal(sink.mails.length, before);
});

test('with startTls, a server that does not offer STARTTLS gets no message at all', async () => {
  const before = sink.commands.length;
  await assert.rejects(
    sendSmtpMail({ ...settings(), startTls: true }, { to: 'dso@hospital.test', subject: 's', text: 't' }, NOW),
    (error: unknown) => error instanceof MedVeilError && /does not offer STARTTLS/.test(error.message),
  );
  assert.deepEqual(sink.commands.slice(before).filter((line) => /^(MAIL|RCPT|DATA)/.test(line)), []);
});

test('a refused connection is an error naming SMTP, never a hang', async () => {
  const closed = await startSmtpSink();
  const port = closed.port;
  await closed.close();
  await assert.rejects(sendSmtpMail({ ...settings(), port }, { to: 'dso@hospital.test', subject: 's', text: 't' }, NOW), /SMTP: /);
});

test('formatSmtpMessage() refuses header injection and text that is not printable ASCII', () => {
  assert.throws(() => formatSmtpMessage('a@b.test', { to: 'x@y.test', subject: 'hi\r\nBcc: evil@z.test', text: 't' }, NOW, 'id@m'), /Subject header/);
  assert.throws(() => formatSmtpMessage('a@b.test', { to: 'x@y.test', subject: 's', text: 'caf\u00e9' }, NOW, 'id@m'), /printable ASCII/);
  assert.throws(() => formatSmtpMessage('a@b.test', { to: 'x@y.test', subject: 's', text: 'x'.repeat(999) }, NOW, 'id@m'), /998/);
});

test('with startTls, the message goes only over TLS, after a second EHLO, to a server whose certificate verifies', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'medveil-smtp-tls-'));
  try {
    // A throwaway certificate for 127.0.0.1, made by the openssl of the machine.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=sink.test',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(folder, 'key.pem'), '-out', join(folder, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(folder, 'cert.pem'), 'utf8');
    const secureSink = await startSmtpSink({ tls: { key: readFileSync(join(folder, 'key.pem'), 'utf8'), cert } });
    try {
      const options = { host: '127.0.0.1', port: secureSink.port, from: 'medveil@hospital.test', startTls: true, timeoutMs: 5000 };
      await sendSmtpMail({ ...options, tls: { ca: cert } }, { to: 'dso@hospital.test', subject: 'over tls', text: 'hello' }, NOW);
      assert.deepEqual(secureSink.mails.map((mail) => [mail.to, mail.overTls]), [[['dso@hospital.test'], true]]);
      assert.deepEqual(secureSink.commands.map((line) => line.split(/[ :]/)[0]), ['EHLO', 'STARTTLS', 'EHLO', 'MAIL', 'RCPT', 'DATA', 'QUIT']);
      // A certificate the client does not trust: the handshake fails and nothing is sent.
      await assert.rejects(sendSmtpMail(options, { to: 'dso@hospital.test', subject: 'over tls', text: 'hello' }, NOW), /SMTP: TLS: /);
      assert.equal(secureSink.mails.length, 1);
    } finally {
      await secureSink.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
