import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { onUnauthorized } from './api/client';
import { fetchMe } from './api/endpoints';
import type { Role, User } from './api/types';
import { AuthContext, type AuthState, homePathFor } from './auth/AuthContext';
import { clearToken, loadToken } from './auth/session';
import { Header } from './components/Header';
import { LiveEventsProvider } from './live/LiveEvents';
import { AdminPage } from './pages/AdminPage';
import { ClinicPage } from './pages/ClinicPage';
import { LoginPage } from './pages/LoginPage';
import { StudyDetailPage } from './pages/StudyDetailPage';
import { WorklistPage } from './pages/WorklistPage';
import { PresenceBeacon } from './roster/PresenceBeacon';
import { matchRoute, navigate, type Route, usePath } from './router';
import { UploadProvider } from './upload/UploadProvider';

type Session = { phase: 'checking' } | { phase: 'anonymous'; notice: string | null } | { phase: 'ready'; user: User };

const ROLE_OF_ROUTE: Partial<Record<Route['name'], Role>> = {
  clinic: 'radiographer',
  worklist: 'radiologist',
  admin: 'admin',
};

export function App() {
  const { t } = useTranslation();
  const path = usePath();
  const route = matchRoute(path);
  const [session, setSession] = useState<Session>(() =>
    loadToken() ? { phase: 'checking' } : { phase: 'anonymous', notice: null },
  );

  useEffect(() => {
    document.title = t('app.name');
  }, [t]);

  // A stored token from earlier in this tab: find out whose it is, or show the login form.
  useEffect(() => {
    if (session.phase !== 'checking') return;
    const controller = new AbortController();
    fetchMe(controller.signal)
      .then((me) => setSession(me.user ? { phase: 'ready', user: me.user } : { phase: 'anonymous', notice: null }))
      .catch((e: unknown) => {
        if (e instanceof DOMException && e.name === 'AbortError') return;
        clearToken();
        setSession({ phase: 'anonymous', notice: null });
      });
    return () => controller.abort();
  }, [session.phase]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setSession({ phase: 'anonymous', notice: t('auth.sessionEnded') });
        navigate('/login', { replace: true });
      }),
    [t],
  );

  const logout = useCallback(() => {
    clearToken();
    setSession({ phase: 'anonymous', notice: null });
    navigate('/login');
  }, []);

  const user = session.phase === 'ready' ? session.user : null;
  const auth = useMemo<AuthState | null>(() => (user ? { user, logout } : null), [user, logout]);

  // Send each role to its own screen; a deep link to a study survives the login in between.
  const target = user ? redirectFor(route, user) : null;
  useEffect(() => {
    if (target) navigate(target, { replace: true });
  }, [target]);

  if (session.phase === 'checking') return <div className="splash">{t('common.loading')}</div>;
  if (session.phase === 'anonymous' || !auth) {
    return (
      <LoginPage
        notice={session.phase === 'anonymous' ? session.notice : null}
        onLoggedIn={(loggedIn) => setSession({ phase: 'ready', user: loggedIn })}
      />
    );
  }
  if (target) return null;

  const page = (
    <AuthContext.Provider value={auth}>
      <LiveEventsProvider>
        <div className="app">
          <Header />
          {auth.user.role === 'radiologist' && <PresenceBeacon />}
          <Page route={route} />
        </div>
      </LiveEventsProvider>
    </AuthContext.Provider>
  );
  return auth.user.role === 'radiographer' ? <UploadProvider>{page}</UploadProvider> : page;
}

function redirectFor(route: Route, user: User): string | null {
  if (route.name === 'login' || route.name === 'home' || route.name === 'notFound') return homePathFor(user);
  const role = ROLE_OF_ROUTE[route.name];
  if (role && role !== user.role) return homePathFor(user);
  return null;
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'clinic':
      return <ClinicPage />;
    case 'worklist':
      return <WorklistPage />;
    case 'admin':
      return <AdminPage />;
    case 'study':
      return <StudyDetailPage key={route.id} id={route.id} />;
    case 'login':
    case 'home':
    case 'notFound':
      return null;
  }
}
