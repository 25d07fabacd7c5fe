import { useId, type InputHTMLAttributes } from 'react';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/zh-CN';

/** A labelled input; `hint` is read out with it. */
export function Field({ label, hint, ...input }: { label: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint === undefined ? undefined : `${id}-hint`} {...input} />
      {hint !== undefined && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

/** What an action left to tell: kept as a catalogue key or an error, so it follows a change of language. */
export type Notice =
  | { readonly error: unknown }
  | { readonly problem: MessageKey }
  | { readonly done: MessageKey; readonly values?: Readonly<Record<string, string>> }
  | undefined;

/** A notice after an action: an error is announced at once, a success politely. */
export function Status({ notice }: { notice: Notice }) {
  const { t } = useI18n();
  if (notice === undefined) return null;
  if ('error' in notice) return <p role="alert" className="error">{errorText(t, notice.error)}</p>;
  if ('problem' in notice) return <p role="alert" className="error">{t(notice.problem)}</p>;
  return <p role="status" className="done">{t(notice.done, notice.values)}</p>;
}
