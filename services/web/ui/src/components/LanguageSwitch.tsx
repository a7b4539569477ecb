import { useTranslation } from 'react-i18next';
import { currentLanguage, setLanguage } from '../i18n';

/** One button naming the other language in that language, as bilingual sites usually do. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const next = currentLanguage() === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <button
      type="button"
      className="lang-switch"
      data-testid="lang-switch"
      lang={next}
      title={t('language.switchTitle')}
      aria-label={t('language.switchTitle')}
      data-current={i18n.language}
      onClick={() => setLanguage(next)}
    >
      {next === 'en' ? 'English' : '中文'}
    </button>
  );
}
