import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cancelMassJob, getMassJob, listMassJobs, startMassJob, type MassJob, type MassJobDeps } from '../../../app/mass-card-status.js';
import { CalendarDate, errorResponses } from '../schemas.js';
import { errorJson, resolveActor, respond, type Env } from '../http-context.js';

// Mass suspension and restore for the national admin (issue 13 item 3). Municipality staff are refused (403), and
// the routes are in the authorization matrix (test/reliability).

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const security = [{ bearer: [] as string[] }];
const tag = ['Administration (staff token)'];

const Scope = z
  .object({
    caId: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/).optional().openapi({ description: 'Cards with a current certificate from this CA' }),
    issuedFrom: CalendarDate.optional().openapi({ description: 'Cards issued on or after this date (JST)' }),
    issuedTo: CalendarDate.optional().openapi({ description: 'Cards issued on or before this date (JST)' }),
    municipalityCode: z.string().regex(/^\d{6}$/).optional(),
  })
  .strict()
  .openapi('MassJobScope', { description: 'At least one criterion; all given criteria must match' });

const MassJobBody = z
  .object({ operation: z.enum(['suspend', 'restore']), reason: z.string().min(1).max(200), scope: Scope })
  .openapi('NewMassJob');

const MassJobSchema = z
  .object({
    id: z.string(),
    operation: z.enum(['suspend', 'restore']),
    reason: z.string(),
    scope: Scope,
    state: z.enum(['queued', 'running', 'done', 'cancelled']).openapi({ description: '`cancelled`: stopped by a national admin; the cards changed before that stay changed' }),
    total: z.number().int().openapi({ description: 'Cards in scope and in the starting status when the job was created' }),
    processed: z.number().int(),
    changed: z.number().int(),
    runs: z.number().int().openapi({ description: 'Times a worker took the job up (more than one after a restart)' }),
    createdBy: z.string(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
    cancelledBy: z.string().nullable(),
    cancelReason: z.string().nullable(),
  })
  .openapi('MassJob');

const CancelBody = z.object({ reason: z.string().min(1).max(200) }).strict().openapi('CancelMassJob');
const jobParams = z.object({ jobId: z.string().uuid().openapi({ param: { name: 'jobId', in: 'path' } }) });

const render = (j: MassJob) => ({
  ...j,
  createdAt: j.createdAt.toISOString(),
  startedAt: j.startedAt?.toISOString() ?? null,
  updatedAt: j.updatedAt.toISOString(),
  finishedAt: j.finishedAt?.toISOString() ?? null,
});

const massDeps = (c: Context<Env>): MassJobDeps => ({
  clock: c.var.deps.clock,
  newId: () => c.var.deps.secrets.newId(),
  massJobs: c.var.deps.massJobs,
  wakeMassJobs: (id) => c.var.deps.wakeMassJobs(id),
});

export function registerMassJobRoutes(app: OpenAPIHono<Env>) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/admin/mass-jobs',
      tags: tag,
      security,
      summary: 'Suspend or restore every card in a scope, as a resumable job (national admin only)',
      request: { body: { required: true, content: { 'application/json': { schema: MassJobBody } } } },
      responses: { 201: json(MassJobSchema, 'The job, queued'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      return respond(c, await startMassJob(massDeps(c), actor, c.req.valid('json')), render, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/mass-jobs',
      tags: tag,
      security,
      summary: 'The newest mass jobs with their progress (national admin only)',
      responses: { 200: json(z.object({ jobs: z.array(MassJobSchema) }), 'Jobs, newest first'), ...errorResponses(401, 403) },
    }),
    async (c) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      c.header('Cache-Control', 'no-store');
      return respond(c, await listMassJobs(massDeps(c), actor), (jobs) => ({ jobs: jobs.map(render) }));
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/mass-jobs/{jobId}',
      tags: tag,
      security,
      summary: "One mass job's progress (national admin only)",
      request: { params: jobParams },
      responses: { 200: json(MassJobSchema, 'The job'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      c.header('Cache-Control', 'no-store');
      return respond(c, await getMassJob(massDeps(c), actor, c.req.valid('param').jobId.toLowerCase()), render);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/admin/mass-jobs/{jobId}/cancel',
      tags: tag,
      security,
      summary: 'Stop a queued or running mass job; cards already changed stay changed (national admin only)',
      request: { params: jobParams, body: { required: true, content: { 'application/json': { schema: CancelBody } } } },
      responses: { 200: json(MassJobSchema, 'The job, cancelled'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      return respond(c, await cancelMassJob(massDeps(c), actor, c.req.valid('param').jobId.toLowerCase(), c.req.valid('json').reason), render);
    },
  );
}
