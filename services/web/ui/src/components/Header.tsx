import { useTranslation } from 'react-i18next';
import { homePathFor, useAuth } from '../auth/AuthContext';
import { localName } from '../format/format';
import { navigate } from '../router';
import { LanguageSwitch } from './LanguageSwitch';

export function Header() {
  const { t, i18n } = useTranslation();
  const { user, logout } = useAuth();
  const organisation = user.clinic ?? user.hospital;
  const home = homePathFor(user);
  return (
    <header className="app-header no-print">
      <a
        className="brand"
        href={home}
        onClick={(event) => {
          event.preventDefault();
          navigate(home);
        }}
      >
        <span className="brand-mark" aria-hidden="true">
          +
        </span>
        <span className="brand-name">{t('app.name')}</span>
        <span className="brand-sub">{t(`home.${user.role}`)}</span>
      </a>
      <div className="header-user">
        {organisation && <span className="header-org">{localName(organisation.name, i18n.language)}</span>}
        <span className="header-name">
          {localName(user.name, i18n.language)}
          <span className="header-role">{t(`role.${user.role}`)}</span>
        </span>
        <LanguageSwitch />
        <button type="button" className="button button-quiet" data-testid="logout" onClick={logout}>
          {t('auth.logout')}
        </button>
      </div>
    </header>
  );
}
