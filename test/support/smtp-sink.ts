/**
 * A tiny SMTP server on loopback for tests (RFC 5321, no TLS): it greets, accepts EHLO,
 * MAIL FROM, RCPT TO and DATA, un-dot-stuffs the message and keeps it. `failNext(n)` answers
 * the next n MAIL FROM commands with 451, as a relay that is temporarily unavailable. With
 * `tls` it offers STARTTLS (RFC 3207) and records whether each message came over TLS.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  /** The message as sent, CRLF line ends, dot-stuffing removed. */
  readonly data: string;
  /** Whether it came after a completed STARTTLS. */
  readonly overTls: boolean;
}

export interface SmtpSink {
  readonly port: number;
  readonly mails: ReceivedMail[];
  /** Every command line received, in order, across connections. */
  readonly commands: string[];
  failNext(count: number): void;
  close(): Promise<void>;
}

export async function startSmtpSink(options: { tls?: { key: string; cert: string } } = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  let failures = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    converse(socket, false);
    socket.write('220 sink.test ESMTP test sink\r\n');
  });

  function converse(stream: Socket, overTls: boolean): void {
    stream.setEncoding('latin1');
    let buffer = '';
    let inData = false;
    let from = '';
    let to: string[] = [];
    const say = (line: string) => stream.write(`${line}\r\n`);
    const onData = (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buffer.slice(0, end).replace(/(^|\r\n)\.\./g, '$1.');
          buffer = buffer.slice(end + 5);
          inData = false;
          mails.push({ from, to, data, overTls });
          say('250 2.0.0 queued');
          continue;
        }
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        commands.push(line);
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') {
          say('250-sink.test greets you');
          if (options.tls !== undefined && !overTls) say('250-STARTTLS');
          say('250 8BITMIME');
        } else if (verb === 'STARTTLS' && options.tls !== undefined && !overTls) {
          stream.off('data', onData);
          say('220 2.0.0 ready to start TLS');
          const secure = new TLSSocket(stream, { isServer: true, key: options.tls.key, cert: options.tls.cert });
          secure.on('error', () => undefined);
          converse(secure, true);
          return;
        } else if (verb === 'MAIL') {
          if (failures > 0) {
            failures -= 1;
            say('451 4.3.0 try again later');
          } else {
            from = /<([^>]*)>/.exec(line)?.[1] ?? '';
            to = [];
            say('250 2.1.0 ok');
          }
        } else if (verb === 'RCPT') {
          to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          say('250 2.1.5 ok');
        } else if (verb === 'DATA') {
          inData = true;
          say('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'QUIT') {
          say('221 2.0.0 bye');
          stream.end();
          return;
        } else {
          say('502 5.5.2 not implemented');
        }
      }
    };
    stream.on('data', onData);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the SMTP sink has no port');
  return {
    port: address.port,
    mails,
    commands,
    failNext: (count) => void (failures = count),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
