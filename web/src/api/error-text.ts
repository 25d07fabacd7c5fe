import type { Translate } from '../i18n/i18n';
import { zhCN, type MessageKey } from '../i18n/zh-CN';
import { ApiError } from './client';

/** A refusal in the reader's language where the catalogue knows its code, else the server's own message. */
export function errorText(t: Translate, error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.generic', { message: error instanceof Error ? error.message : String(error) });
  const key = `error.${error.code}`;
  if (key in zhCN) return t(key as MessageKey, { problems: error.problems.map((problem) => problemText(t, problem)).join(t('list.separator')) });
  if (error.status === 403) return t('error.forbidden');
  return t('error.generic', { message: error.message });
}

/** A password policy problem (docs/accounts.md) in the reader's language, or its code. */
function problemText(t: Translate, problem: string): string {
  const key = `problem.${problem}`;
  return key in zhCN ? t(key as MessageKey) : problem;
}
