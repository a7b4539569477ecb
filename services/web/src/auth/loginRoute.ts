import { verify } from '@node-rs/argon2';
import { UnauthenticatedError } from '@telerad/core';
import { type DbHandle, hashToken, newToken } from '@telerad/db';
import { Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../parseBody.js';
import { loadUserView } from './userView.js';

const loginBody = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) });

/** POST /api/auth/login and /api/auth/logout. */
export function loginRoutes(deps: { db: DbHandle; sessionTtlMs: number }): Router {
  const router = Router();
  router.post('/login', async (req, res) => {
    const { username, password } = parseBody(loginBody, req.body);
    const user = await deps.db.db
      .selectFrom('app_user')
      .select(['id', 'password_hash'])
      .where('username', '=', username.toLowerCase())
      .executeTakeFirst();
    // One message for an unknown user and a wrong password, so a login form cannot list users.
    const ok = user !== undefined && (await verify(user.password_hash, password));
    if (!ok || user === undefined) throw new UnauthenticatedError('wrong username or password');
    const token = newToken();
    await deps.db.db
      .insertInto('user_session')
      .values({
        token_sha256: hashToken(token),
        user_id: user.id,
        expires_at: new Date(Date.now() + deps.sessionTtlMs),
      })
      .execute();
    res.json({ token, user: await loadUserView(deps.db, user.id) });
  });
  router.post('/logout', async (req, res) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (match?.[1])
      await deps.db.db.deleteFrom('user_session').where('token_sha256', '=', hashToken(match[1])).execute();
    res.status(204).end();
  });
  return router;
}
