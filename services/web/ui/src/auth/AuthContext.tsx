import { createContext, useContext } from 'react';
import type { User } from '../api/types';

export interface AuthState {
  user: User;
  logout: () => void;
}

export const AuthContext = createContext<AuthState | null>(null);

/** The logged-in user; only used below the App's login gate. */
export function useAuth(): AuthState {
  const auth = useContext(AuthContext);
  if (auth === null) throw new Error('useAuth outside a logged-in screen');
  return auth;
}

export function homePathFor(user: User): string {
  switch (user.role) {
    case 'radiographer':
      return '/clinic';
    case 'radiologist':
      return '/worklist';
    case 'admin':
      return '/admin';
  }
}
