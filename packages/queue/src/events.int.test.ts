import { randomUUID } from 'node:crypto';
import { testRedisUrl, uniqueName } from '@telerad/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis } from './connection.js';
import { publishStudyEvent, type StudyEvent, studyEventsChannel, subscribeStudyEvents } from './events.js';

describe('study events over Redis pub/sub', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function connect() {
    const redis = createRedis(testRedisUrl());
    cleanups.push(() => redis.quit());
    return redis;
  }

  it('reaches a subscriber on another connection, and only on its own prefix', async () => {
    const prefix = uniqueName('events');
    const heard: StudyEvent[] = [];
    const heardElsewhere: StudyEvent[] = [];
    cleanups.push(await subscribeStudyEvents(connect(), prefix, (e) => heard.push(e)));
    cleanups.push(await subscribeStudyEvents(connect(), `${prefix}-other`, (e) => heardElsewhere.push(e)));
    const publisher = connect();
    const ids = { studyId: randomUUID(), hospitalId: randomUUID(), clinicId: randomUUID(), userId: randomUUID() };
    await publishStudyEvent(publisher, prefix, { type: 'assigned', ...ids });
    await expect.poll(() => heard.length).toBe(1);
    expect(heard[0]).toMatchObject({ type: 'assigned', ...ids });
    expect(Number.isNaN(Date.parse(heard[0]?.at ?? ''))).toBe(false);
    expect(heardElsewhere).toEqual([]);
  });

  it('drops messages that are not study events', async () => {
    const prefix = uniqueName('events');
    const heard: StudyEvent[] = [];
    cleanups.push(await subscribeStudyEvents(connect(), prefix, (e) => heard.push(e)));
    const publisher = connect();
    await publisher.publish(studyEventsChannel(prefix), 'not json');
    await publisher.publish(studyEventsChannel(prefix), JSON.stringify({ type: 'assigned', patientName: 'x' }));
    const ids = { studyId: randomUUID(), hospitalId: randomUUID(), clinicId: randomUUID() };
    await publishStudyEvent(publisher, prefix, { type: 'signed', ...ids });
    await expect.poll(() => heard.length).toBe(1);
    expect(heard[0]?.type).toBe('signed');
  });
});
