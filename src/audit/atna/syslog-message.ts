export interface SyslogOptions {
  /** HOSTNAME field; `-` when unknown. */
  hostname?: string;
  appName?: string;
  procId?: string;
  /** TIMESTAMP (RFC 3339, the event time). */
  timestamp: string;
}

/**
 * One RFC 5424 syslog message carrying an audit message, as IHE ITI-20 (Record Audit Event)
 * sends it: PRI 85 (facility 10 security/authorization, severity 5 notice), version 1,
 * MSGID `IHE+RFC-3881`, no structured data, and the XML as MSG, UTF-8 with its BOM
 * (RFC 5424 6.4). Header fields are printable US-ASCII without spaces (RFC 5424 6.2), so any
 * other character is replaced.
 */
export function syslogMessage(xml: string, options: SyslogOptions): Uint8Array {
  const field = (value: string | undefined, max: number) => {
    if (value === undefined || value.length === 0) return '-';
    return value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  };
  const header = `<85>1 ${field(options.timestamp, 64)} ${field(options.hostname, 255)} ${field(options.appName ?? 'medveil', 48)} ${field(options.procId, 128)} IHE+RFC-3881 - `;
  return new Uint8Array(Buffer.concat([Buffer.from(header, 'ascii'), Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(xml.replace(/\n$/, ''), 'utf8')]));
}

/** RFC 5425 4.3 / RFC 6587 3.4.1 octet counting: `MSG-LEN SP SYSLOG-MSG`, for a TLS or TCP stream. */
export function octetCountingFrame(message: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]));
}
