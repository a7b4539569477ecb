import { multipartRelated } from '@telerad/testkit';
import request from 'supertest';

/**
 * A STOW-RS request of `parts` to the web app under test, as a clinic (clinic A's demo token unless
 * `token` says otherwise), to `/dicomweb/studies` and `query`; a supertest request, to expect on.
 */
export function stowTo(
  app: Parameters<typeof request>[0],
  parts: Parameters<typeof multipartRelated>[0],
  { token = 'demo-token-clinic-a', query = '' }: { token?: string; query?: string } = {},
) {
  const { body, contentType } = multipartRelated(parts);
  return request(app)
    .post(`/dicomweb/studies${query}`)
    .set('authorization', `Bearer ${token}`)
    .set('content-type', contentType)
    .send(body);
}
