import { createImagingPool, type ImagingPool } from '@telerad/imaging';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import { type PreviewsService, start } from '../start.js';

export interface PreviewsStack {
  runtime: Runtime;
  imaging: ImagingPool;
  previews: PreviewsService;
  /** The demo region's clinic-a, which sends the test instances. */
  clinicId: string;
  close(): Promise<void>;
}

/** Real PostgreSQL, Redis, object store and a one-thread imaging pool, with the render worker running. */
export async function startPreviewsStack(env: Record<string, string> = {}): Promise<PreviewsStack> {
  const t = await testConfig({ database: 'postgres', env });
  const runtime = await openRuntime(t.config);
  const imaging = createImagingPool({ threads: 1 });
  const previews = await start(runtime, { imaging });
  const clinic = await runtime.db.db
    .selectFrom('clinic')
    .select('id')
    .where('code', '=', 'clinic-a')
    .executeTakeFirstOrThrow();
  return {
    runtime,
    imaging,
    previews,
    clinicId: clinic.id,
    async close() {
      await previews.stop();
      await imaging.close();
      await runtime.close();
      await t.cleanup();
    },
  };
}
