import { useState } from 'react';
import { verifyAuditEvent, type AuditEventView, type AuditProof, type WebReceiptVerification } from '../api/audit';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/zh-CN';
import { Status, type Notice } from '../layout/field';
import { useSignedIn } from '../session/session';

type Verified = { proof: AuditProof; result: WebReceiptVerification };

/** One event with every field, and the Verify action that checks its receipt in this browser. */
export function AuditEventDetail({ event }: { event: AuditEventView }) {
  const { t } = useI18n();
  const { token } = useSignedIn();
  const [verified, setVerified] = useState<Verified | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Notice>(undefined);

  const verify = async () => {
    setBusy(true);
    setStatus(undefined);
    setVerified(undefined);
    try {
      const { proof, result } = await verifyAuditEvent(token, event.index);
      setVerified({ proof, result });
    } catch (caught) {
      setStatus({ error: caught });
    } finally {
      setBusy(false);
    }
  };

  const row = (label: MessageKey, value: string | undefined) => (
    <>
      <dt>{t(label)}</dt>
      <dd className="mono">{value === undefined || value === '' ? '—' : value}</dd>
    </>
  );

  return (
    <section aria-labelledby="audit-event-title" data-testid="audit-event">
      <h2 id="audit-event-title">{t('audit.eventTitle', { index: String(event.index) })}</h2>
      {event.problem !== undefined && <p className="error">{event.problem}</p>}
      <dl className="facts audit-facts">
        {row('audit.index', String(event.index))}
        {row('audit.time', event.time)}
        {row('audit.type', event.type)}
        {row('audit.outcome', event.outcome)}
        {row('audit.user', event.actor?.user)}
        {row('audit.role', event.actor?.role)}
        {row('audit.department', event.actor?.department)}
        {row('audit.address', event.actor?.address)}
        {row('audit.purpose', event.purpose)}
        {(event.objects ?? []).map((object, i) => (
          <Fact key={`o${i}`} label={t('audit.object', { n: String(i + 1) })} value={Object.entries(object).map(([name, value]) => `${name}: ${value}`).join('\n')} />
        ))}
        {(event.digests ?? []).map((digest) => (
          <Fact key={`d${digest.algorithm}`} label={t('audit.digest', { algorithm: digest.algorithm })} value={digest.value} />
        ))}
        {Object.entries(event.detail ?? {}).map(([name, value]) => (
          <Fact key={`x${name}`} label={t('audit.detail', { name })} value={value} />
        ))}
      </dl>
      <div className="actions audit-verify-actions">
        <button type="button" onClick={() => void verify()} disabled={busy} data-testid="audit-verify">
          {busy ? t('audit.verifying') : t('audit.verify')}
        </button>
      </div>
      <Status notice={status} />
      {verified !== undefined && <VerificationReport index={event.index} {...verified} />}
    </section>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className="mono">{value}</dd>
    </>
  );
}

/** What the browser found: each check on its own line, ok or failed with the verifier's reason. */
function VerificationReport({ index, proof, result }: { index: number; proof: AuditProof; result: WebReceiptVerification }) {
  const { t } = useI18n();
  // A receipt for another event proves nothing about this one.
  const sameEvent = result.index === index;
  const ok = result.ok && sameEvent;
  const reason = sameEvent ? result.reason : t('audit.otherIndex', { index: String(result.index ?? '?') });
  const received = new Map(proof.checkpoint.cosignedBy.map((c) => [c.witness, c.receivedAt]));
  return (
    <div className={`verification ${ok ? 'verified' : 'failed'}`} data-testid="audit-verification" data-ok={String(ok)}>
      <p role={ok ? 'status' : 'alert'} className={ok ? 'done' : 'error'} data-testid="audit-verdict">
        {ok ? t('audit.verified') : t('audit.verifyFailed', { reason: reason ?? '' })}
      </p>
      <dl className="facts audit-facts">
        <dt>{t('audit.leafHash')}</dt>
        <dd className="mono" data-testid="audit-leaf-hash">{result.leafHash ?? '—'}</dd>
        <dt>{t('audit.checkpoint')}</dt>
        <dd className="mono">{result.checkpoint === undefined ? '—' : `${result.checkpoint.origin} · ${t('audit.size', { size: String(result.checkpoint.size) })}`}</dd>
        <dt>{t('audit.rootHash')}</dt>
        <dd className="mono">{result.checkpoint?.rootHash ?? '—'}</dd>
        <dt>{t('audit.computedRoot')}</dt>
        <dd className="mono">{result.computedRoot ?? '—'}</dd>
      </dl>
      <ul className="checks">
        <Check testId="audit-inclusion" status={result.inclusion.status} label={t('audit.inclusion')} reason={result.inclusion.reason} />
        {result.logSignatures.map((signature) => (
          <Check key={`l${signature.keyId}`} testId="audit-log-signature" status={signature.status} label={t('audit.logSignature', { name: signature.name, kind: signature.kind, keyId: signature.keyId })} reason={signature.reason} />
        ))}
        {result.witnesses.map((witness) => (
          <Check
            key={`w${witness.keyId}`}
            testId="audit-witness"
            status={witness.status}
            label={t('audit.witness', { name: witness.name, keyId: witness.keyId })}
            detail={witness.time === undefined ? undefined : t('audit.cosignedAt', { time: witness.time, received: received.has(witness.name) ? new Date(received.get(witness.name)!).toISOString() : '—' })}
            reason={witness.reason}
          />
        ))}
      </ul>
      {result.witnesses.length === 0 && <p className="hint">{t('audit.noWitnessKeys')}</p>}
      {result.otherSigners.length > 0 && <p className="hint">{t('audit.otherSigners', { names: result.otherSigners.join(', ') })}</p>}
    </div>
  );
}

const STATUS_KEYS: Record<string, MessageKey> = {
  ok: 'audit.status.ok',
  failed: 'audit.status.failed',
  missing: 'audit.status.missing',
  unverifiable: 'audit.status.unverifiable',
  'not-checked': 'audit.status.notChecked',
};

function Check({ status, label, detail, reason, testId }: { status: string; label: string; detail?: string | undefined; reason?: string | undefined; testId: string }) {
  const { t } = useI18n();
  return (
    <li className={`check check-${status}`} data-testid={testId} data-status={status}>
      <span className="check-status">{t(STATUS_KEYS[status] ?? 'audit.status.failed')}</span> <span className="check-label">{label}</span>
      {detail !== undefined && <span className="hint check-detail">{detail}</span>}
      {reason !== undefined && <span className="error check-reason">{reason}</span>}
    </li>
  );
}
