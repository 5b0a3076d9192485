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

/**
 * Swagger UI's own labels in Chinese, for the Chinese page: Swagger UI has no translations, so the
 * page's script rewrites each label (a whole text node, or an input's placeholder) as Swagger UI
 * draws it — never inside code, examples or schemas, where the words are the document's own.
 */
export const SWAGGER_LABELS_ZH: Readonly<Record<string, string>> = {
  Parameters: '参数',
  'No parameters': '无参数',
  'Try it out': '试一试',
  Cancel: '取消',
  Execute: '执行',
  Clear: '清除',
  Responses: '响应',
  Response: '响应',
  Code: '状态码',
  Description: '说明',
  Links: '链接',
  'No links': '无链接',
  Name: '名称',
  'Request body': '请求体',
  'Example Value': '示例值',
  Schema: '结构',
  Schemas: '数据结构',
  'Media type': '媒体类型',
  'Server response': '服务器响应',
  'Response body': '响应体',
  'Response headers': '响应头',
  Headers: '响应头',
  'Request URL': '请求地址',
  Details: '详情',
  Undocumented: '未说明',
  'Filter by tag or path': '按标签或路径筛选',
  Servers: '服务器',
  Authorize: '授权',
  'Available authorizations': '可用的授权方式',
  Close: '关闭',
  Logout: '退出',
  required: '必填',
  Download: '下载',
  Webhooks: '事件推送（Webhooks）',
  Callbacks: '回调',
  'Loading...': '加载中……',
  'Failed to fetch.': '获取失败。',
  'Expand all': '全部展开',
  'Collapse all': '全部收起',
};

/** Starts Swagger UI on the page's element, with the document the element names; on the Chinese page, puts its labels in Chinese. */
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
  if (document.documentElement.lang !== 'zh-CN') return;
  var labels = ${JSON.stringify(SWAGGER_LABELS_ZH)};
  var KEEP = 'pre, code, textarea, .microlight, .model-box, .model, .prop-name, .opblock-summary-path, .opblock-summary-description, .markdown, .renderedMarkdown';
  function label(text) {
    if (!text.nodeValue) return;
    var key = text.nodeValue.trim();
    if (!Object.prototype.hasOwnProperty.call(labels, key)) return;
    var parent = text.parentElement;
    if (!parent || parent.closest(KEEP)) return;
    text.nodeValue = text.nodeValue.replace(key, labels[key]);
  }
  function labelAll(node) {
    if (node.nodeType === 3) return label(node);
    if (node.nodeType !== 1) return;
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (var text = walker.nextNode(); text; text = walker.nextNode()) label(text);
    var inputs = node.querySelectorAll('input[placeholder]');
    for (var i = 0; i < inputs.length; i++) {
      var placeholder = inputs[i].getAttribute('placeholder');
      if (Object.prototype.hasOwnProperty.call(labels, placeholder)) inputs[i].setAttribute('placeholder', labels[placeholder]);
    }
  }
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      if (record.type === 'characterData') return label(record.target);
      record.addedNodes.forEach(labelAll);
    });
  }).observe(root, { childList: true, subtree: true, characterData: true });
  labelAll(root);
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
