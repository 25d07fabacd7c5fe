import { useI18n } from '../i18n/i18n';
import { LANGUAGES, isLanguage, type Language } from '../i18n/language';

/** Each language names itself, so a reader who cannot read the current one still finds theirs. */
const NATIVE_NAMES: Readonly<Record<Language, string>> = { 'zh-CN': '简体中文', en: 'English' };

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <label className="language">
      <span className="visually-hidden">{t('language.label')}</span>
      <select
        data-testid="language"
        aria-label={t('language.label')}
        value={language}
        onChange={(event) => {
          if (isLanguage(event.target.value)) setLanguage(event.target.value);
        }}
      >
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {NATIVE_NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}
