import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { login } from '../api/endpoints';
import type { User } from '../api/types';
import { saveToken } from '../auth/session';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { Notice } from '../components/Notice';

export function LoginPage({ onLoggedIn, notice }: { onLoggedIn: (user: User) => void; notice?: string | null }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  useEffect(() => usernameRef.current?.focus(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (username.trim() === '' || password === '') {
      setError(t('auth.missing'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await login(username.trim(), password);
      saveToken(result.token);
      onLoggedIn(result.user);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <main className="login-page">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <form className="login-card" onSubmit={(event) => void submit(event)} noValidate>
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            +
          </span>
          <div>
            <h1>{t('app.name')}</h1>
            <p className="login-tagline">{t('app.tagline')}</p>
          </div>
        </div>
        {notice && !error && <Notice kind="info">{notice}</Notice>}
        {error && (
          <Notice kind="error" testId="login-error">
            {error}
          </Notice>
        )}
        <label className="field">
          <span className="field-label">{t('auth.username')}</span>
          <input
            data-testid="login-username"
            name="username"
            autoComplete="username"
            ref={usernameRef}
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('auth.password')}</span>
          <input
            data-testid="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <button type="submit" className="button button-primary button-block" data-testid="login-submit" disabled={busy}>
          {busy ? t('auth.loggingIn') : t('auth.login')}
        </button>
      </form>
    </main>
  );
}
