/**
 * The API reference pages, in English (`/api/reference`) and Chinese (`/api/reference/zh`): the
 * OpenAPI document rendered by the Swagger UI that @fastify/swagger-ui already serves from
 * node_modules (under /docs/static), so the pages work on a machine without internet. Our own
 * page around it carries the project's name and logo (the console's icon), and the Chinese page
 * reads a variant of the document whose summaries are the Chinese ones (`/api/openapi.zh.json`).
 * No inline script: the pages load under the server's Content-Security-Policy as it is.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { chineseDocument } from './openapi.ts';

export const REFERENCE_TITLES = { en: 'CertBridge API', zh: 'CertBridge 电子证照共享平台 API' } as const;

/** The document's description for Chinese readers (the English one is in server.ts). */
const DESCRIPTION_ZH =
  '政府部门之间共享电子证照。出错时按 RFC 9457 返回问题详情（application/problem+json），其中 `code` 为稳定的原因代码，`field` 指出出错的输入，`requestId` 为服务器记录该请求所用的编号。';

/** The console's icon (web/public, at the root of the checkout: the same from src/ and from dist/). */
const LOGO = readFileSync(new URL('../../../web/public/favicon.svg', import.meta.url));

/** Starts Swagger UI on the page's element, with the document the element names. */
const SCRIPT = `window.addEventListener('load', function () {
  var root = document.getElementById('reference');
  SwaggerUIBundle({
    url: root.dataset.document,
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    docExpansion: 'list',
    // A box that narrows the list by tag: there are some 150 operations.
    filter: true,
    defaultModelsExpandDepth: -1,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

const STYLE = `body { margin: 0; font-family: system-ui, 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif; }
.cb-header { display: flex; align-items: center; gap: 12px; padding: 12px 24px; background: #1d4e89; color: #fff; }
.cb-header h1 { font-size: 20px; margin: 0; flex: 1; }
.cb-header a { color: #fff; }`;

function page(language: 'en' | 'zh', staticPrefix: string): string {
  const [documentUrl, other] = language === 'zh' ? ['/api/openapi.zh.json', '<a href="/api/reference" hreflang="en">English</a>'] : ['/docs/json', '<a href="/api/reference/zh" hreflang="zh-CN">中文</a>'];
  return `<!doctype html>
<html lang="${language === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${REFERENCE_TITLES[language]}</title>
<link rel="icon" type="image/svg+xml" href="/api/reference/logo.svg">
<link rel="stylesheet" href="${staticPrefix}/swagger-ui.css">
<style>${STYLE}</style>
</head>
<body>
<header class="cb-header"><img src="/api/reference/logo.svg" alt="CertBridge" width="40" height="40"><h1>${REFERENCE_TITLES[language]}</h1><nav>${other}</nav></header>
<main id="reference" data-document="${documentUrl}"></main>
<script src="${staticPrefix}/swagger-ui-bundle.js"></script>
<script src="/api/reference/reference.js"></script>
</body>
</html>
`;
}

/** The pages, the logo and the Chinese document; `staticPrefix` is where @fastify/swagger-ui serves Swagger UI's files. */
export async function referencePages(app: FastifyInstance, { staticPrefix }: { staticPrefix: string }): Promise<void> {
  const hide = { schema: { hide: true } };
  const pages = { en: page('en', staticPrefix), zh: page('zh', staticPrefix) };
  app.get('/api/reference', hide, async (_request, reply) => reply.type('text/html; charset=utf-8').send(pages.en));
  app.get('/api/reference/zh', hide, async (_request, reply) => reply.type('text/html; charset=utf-8').send(pages.zh));
  app.get('/api/reference/reference.js', hide, async (_request, reply) => reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(SCRIPT));
  app.get('/api/reference/logo.svg', hide, async (_request, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=3600').send(LOGO));
  let chinese: Record<string, unknown> | undefined;
  app.get('/api/openapi.zh.json', hide, async () => (chinese ??= chineseDocument(app.swagger() as unknown as Record<string, unknown>, { title: REFERENCE_TITLES.zh, description: DESCRIPTION_ZH })));
}
