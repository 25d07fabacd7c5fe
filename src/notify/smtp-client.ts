/**
 * A minimal SMTP client (RFC 5321) for MedVeil's own notifications: one message to one
 * recipient per connection, plain text, no authentication (a hospital relay accepts the
 * gateway by its address), STARTTLS (RFC 3207) when configured. Written here rather than
 * taken from a package because this is all it does: about a hundred lines with every reply
 * code checked, against a dependency with its own transports, pooling and templating
 * (docs/break-glass.md, "E-mail").
 *
 * Dialogue: 220 greeting; EHLO → 250; [STARTTLS → 220, TLS handshake, EHLO → 250];
 * MAIL FROM → 250; RCPT TO → 250 or 251; DATA → 354; the message, dot-stuffed (RFC 5321
 * 4.5.2), ended by CRLF.CRLF → 250; QUIT → 221 (its answer is not waited for long).
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { randomUUID } from 'node:crypto';
import { MedVeilError } from '../errors.js';

/** Where and as whom to send (the server config's `notifications.smtp`). */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly from: string;
  /** Refuse to send unless the server offers STARTTLS. */
  readonly startTls: boolean;
}

export interface SmtpMessage {
  readonly to: string;
  /** ASCII only: the notifications carry codes and pseudonyms, nothing that needs encoding. */
  readonly subject: string;
  readonly text: string;
}

export interface SmtpOptions extends SmtpSettings {
  /** Our name in EHLO (default `medveil.localhost`). */
  readonly heloName?: string;
  /** Milliseconds of silence before the attempt fails (default 15 s). */
  readonly timeoutMs?: number;
  /** Extra TLS options (a test's own CA). */
  readonly tls?: { readonly ca?: string | Buffer; readonly servername?: string };
}

interface Reply {
  readonly code: number;
  readonly lines: readonly string[];
}

function smtpError(message: string, cause?: unknown): MedVeilError {
  return new MedVeilError('io', `SMTP: ${message}`, cause === undefined ? {} : { cause });
}

const PRINTABLE_ASCII_LINE = /^[\t\x20-\x7e]*$/;

/** The message as RFC 5322 text with CRLF line ends, before dot-stuffing. */
export function formatSmtpMessage(from: string, message: SmtpMessage, date: Date, messageId: string): string {
  const header = (name: string, value: string) => {
    if (!PRINTABLE_ASCII_LINE.test(value) || /[\r\n]/.test(value)) throw smtpError(`the ${name} header holds a character that is not printable ASCII`);
    return `${name}: ${value}`;
  };
  const lines = message.text.replace(/\r\n?/g, '\n').split('\n');
  for (const line of lines) if (!PRINTABLE_ASCII_LINE.test(line) || line.length > 998) throw smtpError('the text holds a line that is not printable ASCII or is longer than 998 characters');
  return [
    header('From', from),
    header('To', message.to),
    header('Subject', message.subject),
    header('Date', date.toUTCString().replace('GMT', '+0000')),
    header('Message-ID', `<${messageId}>`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    'Content-Transfer-Encoding: 7bit',
    '',
    ...lines,
  ].join('\r\n');
}

/** RFC 5321 4.5.2: a line that starts with "." gets one more. */
export function dotStuff(text: string): string {
  return text.replace(/(^|\r\n)\./g, '$1..');
}

/** Sends one message; resolves once the server accepted it (250 after the data). */
export async function sendSmtpMail(options: SmtpOptions, message: SmtpMessage, now: Date): Promise<void> {
  const messageId = `${randomUUID()}@${options.heloName ?? 'medveil.localhost'}`;
  const data = formatSmtpMessage(options.from, message, now, messageId);
  let conversation = await SmtpConversation.open(netConnect({ host: options.host, port: options.port }), options.timeoutMs ?? 15_000);
  try {
    await conversation.expect(220, 'greeting');
    const helo = options.heloName ?? 'medveil.localhost';
    const ehlo = await conversation.command(`EHLO ${helo}`, 250, 'EHLO');
    if (options.startTls) {
      if (!ehlo.lines.some((line) => /^STARTTLS\b/i.test(line))) throw smtpError('the server does not offer STARTTLS and smtp.startTls is true; nothing was sent');
      await conversation.command('STARTTLS', 220, 'STARTTLS');
      conversation = await conversation.upgrade(options.host, options.tls);
      await conversation.command(`EHLO ${helo}`, 250, 'EHLO after STARTTLS');
    }
    await conversation.command(`MAIL FROM:<${options.from}>`, 250, 'MAIL FROM');
    await conversation.command(`RCPT TO:<${message.to}>`, [250, 251], 'RCPT TO');
    await conversation.command('DATA', 354, 'DATA');
    await conversation.command(`${dotStuff(data)}\r\n.`, 250, 'the message');
    await conversation.command('QUIT', 221, 'QUIT').catch(() => undefined);
  } finally {
    conversation.close();
  }
}

/** One connection: replies are read as they come, one command at a time. */
class SmtpConversation {
  #socket: Socket | TLSSocket;
  #buffer = '';
  #replyLines: string[] = [];
  #replies: Reply[] = [];
  #waiting: ((reply: Reply | Error) => void) | undefined;
  #failure: Error | undefined;
  readonly #timeoutMs: number;

  private constructor(socket: Socket | TLSSocket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    this.#listen();
  }

  static async open(socket: Socket, timeoutMs: number): Promise<SmtpConversation> {
    return new SmtpConversation(socket, timeoutMs);
  }

  #listen(): void {
    const socket = this.#socket;
    socket.setEncoding('latin1');
    socket.setTimeout(this.#timeoutMs, () => this.#fail(smtpError(`no answer within ${this.#timeoutMs} ms`)));
    socket.on('data', (chunk: string) => this.#receive(chunk));
    socket.on('error', (error) => this.#fail(smtpError(error.message, error)));
    socket.on('close', () => this.#fail(smtpError('the server closed the connection')));
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    if (this.#buffer.length > 64 * 1024) return this.#fail(smtpError('the server sent an over-long reply'));
    let end: number;
    while ((end = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, end).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(end + 1);
      const match = /^([2-5][0-9]{2})([ -]?)(.*)$/.exec(line);
      if (match === null) return this.#fail(smtpError(`not an SMTP reply: ${JSON.stringify(line.slice(0, 80))}`));
      this.#replyLines.push(match[3] ?? '');
      if (match[2] !== '-') {
        this.#deliver({ code: Number(match[1]), lines: this.#replyLines });
        this.#replyLines = [];
      }
    }
  }

  #deliver(reply: Reply): void {
    const waiting = this.#waiting;
    if (waiting === undefined) {
      this.#replies.push(reply);
      return;
    }
    this.#waiting = undefined;
    waiting(reply);
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(error);
    this.#socket.destroy();
  }

  async #next(): Promise<Reply> {
    const queued = this.#replies.shift();
    if (queued !== undefined) return queued;
    if (this.#failure !== undefined) throw this.#failure;
    const result = await new Promise<Reply | Error>((resolve) => (this.#waiting = resolve));
    if (result instanceof Error) throw result;
    return result;
  }

  async expect(codes: number | readonly number[], step: string): Promise<Reply> {
    const reply = await this.#next();
    const wanted = typeof codes === 'number' ? [codes] : codes;
    if (!wanted.includes(reply.code)) {
      throw smtpError(`${step} answered ${reply.code} ${(reply.lines.at(-1) ?? '').slice(0, 120)} (wanted ${wanted.join(' or ')})`);
    }
    return reply;
  }

  async command(line: string, codes: number | readonly number[], step: string): Promise<Reply> {
    if (this.#failure !== undefined) throw this.#failure;
    this.#socket.write(`${line}\r\n`, 'latin1');
    return this.expect(codes, step);
  }

  /** RFC 3207: the same conversation over TLS; what the server said before is forgotten. */
  async upgrade(host: string, tls: SmtpOptions['tls']): Promise<SmtpConversation> {
    const plain = this.#socket;
    plain.removeAllListeners('data').removeAllListeners('close').removeAllListeners('error');
    plain.setTimeout(0);
    // RFC 6066 3: no SNI for an address; the certificate is still checked against it.
    const servername = tls?.servername ?? (isIP(host) === 0 ? host : undefined);
    const secure = tlsConnect({ socket: plain, host, ...(servername === undefined ? {} : { servername }), ...(tls?.ca === undefined ? {} : { ca: tls.ca }) });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', (error) => reject(smtpError(`TLS: ${error.message}`, error)));
    });
    return new SmtpConversation(secure, this.#timeoutMs);
  }

  close(): void {
    this.#failure ??= smtpError('closed');
    this.#socket.destroy();
  }
}
