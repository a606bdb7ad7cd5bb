import { t, type Lang } from './i18n.ts';

/** Escapes text for HTML content and double-quoted attributes. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A link to the same page in the other language. */
export function langSwitch(lang: Lang, path: string, query: Record<string, string> = {}): string {
  const params = new URLSearchParams({ ...query });
  if (lang === 'zh') params.set('lang', 'en');
  else params.delete('lang');
  const qs = params.toString();
  return `<a class="lang" href="${esc(path + (qs ? `?${qs}` : ''))}" hreflang="${lang === 'zh' ? 'en' : 'zh'}">${t(lang, 'switchLang')}</a>`;
}

/** `?lang=en` appended when the page is in English, so links keep the language. */
export function withLang(lang: Lang, href: string): string {
  if (lang === 'zh') return href;
  return href + (href.includes('?') ? '&' : '?') + 'lang=en';
}

// One small stylesheet inline: the page is a single request, and the phone renders it before any other fetch.
const CSS = `*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f2328;background:#f4f5f7}
header{background:#0b5cad;color:#fff;padding:10px 14px;display:flex;justify-content:space-between;align-items:center}header a{color:#fff}
main{max-width:640px;margin:0 auto;padding:10px}section{background:#fff;border-radius:8px;padding:12px 14px;margin:10px 0}
h1{font-size:17px;margin:0}h2{font-size:16px;margin:0 0 8px}dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:2px 10px}dt{color:#656d76}dd{margin:0;overflow-wrap:anywhere}
.warn{background:#d1242f;color:#fff;font-weight:600}.caution{background:#fff8c5;border:1px solid #d4a72c}.ok{background:#dafbe1;border:1px solid #2da44e}.bad{background:#ffebe9;border:1px solid #d1242f}
ol.tl{list-style:none;margin:0;padding:0 0 0 14px;border-left:2px solid #0b5cad}ol.tl li{margin:0 0 10px;position:relative}ol.tl li:before{content:"";position:absolute;left:-20px;top:6px;width:10px;height:10px;border-radius:50%;background:#0b5cad}
.muted{color:#656d76;font-size:13px}.tag{display:inline-block;white-space:nowrap;max-width:100%;overflow:hidden;text-overflow:ellipsis;padding:0 6px;border-radius:4px;background:#eaeef2;margin:0 4px 4px 0;font-size:13px}
.pass{color:#1a7f37;font-weight:600}.fail{color:#d1242f;font-weight:600}img.product{max-width:100%;max-height:220px;display:block;margin:0 auto 8px}
input,textarea,select,button{font:inherit;width:100%;padding:8px;margin:4px 0 8px;border:1px solid #d0d7de;border-radius:6px}button{background:#0b5cad;color:#fff;border:0}
footer{text-align:center;padding:16px;font-size:13px}code{word-break:break-all}`;

/** The page shell: phone-first, no script. */
export function layout(lang: Lang, title: string, body: string, switchTo: { path: string; query?: Record<string, string> }): string {
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<title>${esc(title)}</title><style>${CSS}</style></head><body><header><a href="${withLang(lang, '/')}"><h1>${t(lang, 'siteName')}</h1></a>${langSwitch(lang, switchTo.path, switchTo.query)}</header>`
    + `<main>${body}</main><footer><a href="${withLang(lang, '/notices')}">${t(lang, 'noticesPage')}</a> · <a href="${withLang(lang, '/complaints')}">${t(lang, 'track')}</a></footer></body></html>`;
}
