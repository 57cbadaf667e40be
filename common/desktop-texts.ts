// What the operating system shows for Stillmotion (the menus, the tray, the close dialog, the
// file pickers, where the key is kept), in English and Simplified Chinese, in the language the
// window uses; the notifications say batch-notices.ts's words. Pure like reasons.ts:
// main/electron renders these, and a `satisfies` check makes Chinese carry every text English has.
import { formatMessage } from './message-format';
import { reasonLanguageFor, type ReasonLanguage } from './reasons';

const en = {
  'menu.file': 'File',
  'menu.openLogFile': 'Open Log File',
  'menu.openLogFolder': 'Open Log Folder',
  'menu.openDataFolder': 'Open Data Folder',
  'menu.checkForUpdates': 'Check for Updates…',
  'menu.quit': 'Quit Stillmotion',
  'menu.closeWindow': 'Close Window',
  'menu.edit': 'Edit',
  'menu.undo': 'Undo',
  'menu.redo': 'Redo',
  'menu.cut': 'Cut',
  'menu.copy': 'Copy',
  'menu.paste': 'Paste',
  'menu.selectAll': 'Select All',
  'menu.view': 'View',
  'menu.reload': 'Reload',
  'menu.devTools': 'Toggle Developer Tools',
  'menu.actualSize': 'Actual Size',
  'menu.zoomIn': 'Zoom In',
  'menu.zoomOut': 'Zoom Out',
  'menu.fullScreen': 'Toggle Full Screen',
  'menu.window': 'Window',
  'menu.minimize': 'Minimize',
  'menu.help': 'Help',
  'menu.about': 'About Stillmotion',
  'tray.show': 'Show Stillmotion',
  'tray.quit': 'Quit',
  'tray.idle': 'Stillmotion: idle',
  'tray.summary': 'Stillmotion{percent}: {parts}',
  'count.running': '{count} running',
  'count.paused': '{count} paused',
  'count.generating': '{count} generating',
  'count.done': '{count} done',
  'count.attention': '{count} need attention',
  'list.separator': ', ',
  'close.title': 'Videos are still being made',
  'close.message': 'Stillmotion is still generating videos.',
  'close.detail':
    'Keep it running in the tray to finish overnight, or quit: everything paid for is kept and the batch continues the next time Stillmotion starts.',
  'close.keep': 'Keep running in the tray',
  'close.quit': 'Quit (resume later)',
  'close.cancel': 'Cancel',
  'dialog.pickInputs': 'Add images or folders',
  'dialog.pickImages': 'Images of a reference element',
  'dialog.pickOutputDir': 'Save videos to',
  'dialog.images': 'Images',
  'storage.keychain': 'macOS Keychain',
  'storage.keychainMissing': 'Plain text (Keychain unavailable)',
  'storage.dpapi': 'Windows DPAPI',
  'storage.dpapiMissing': 'Plain text (DPAPI unavailable)',
  'storage.libsecret': 'GNOME Keyring (libsecret)',
  'storage.kwallet': 'KWallet',
  'storage.noKeyring': 'Plain text (no keyring found)',
  'storage.unavailable': 'Plain text (encryption unavailable)',
  'start.failed': 'Stillmotion could not start',
} as const;

export type DesktopTextKey = keyof typeof en;

const zhCN = {
  'menu.file': '文件',
  'menu.openLogFile': '打开日志文件',
  'menu.openLogFolder': '打开日志文件夹',
  'menu.openDataFolder': '打开数据文件夹',
  'menu.checkForUpdates': '检查更新…',
  'menu.quit': '退出 Stillmotion',
  'menu.closeWindow': '关闭窗口',
  'menu.edit': '编辑',
  'menu.undo': '撤销',
  'menu.redo': '重做',
  'menu.cut': '剪切',
  'menu.copy': '复制',
  'menu.paste': '粘贴',
  'menu.selectAll': '全选',
  'menu.view': '视图',
  'menu.reload': '重新加载',
  'menu.devTools': '切换开发者工具',
  'menu.actualSize': '实际大小',
  'menu.zoomIn': '放大',
  'menu.zoomOut': '缩小',
  'menu.fullScreen': '切换全屏',
  'menu.window': '窗口',
  'menu.minimize': '最小化',
  'menu.help': '帮助',
  'menu.about': '关于 Stillmotion',
  'tray.show': '显示 Stillmotion',
  'tray.quit': '退出',
  'tray.idle': 'Stillmotion：空闲',
  'tray.summary': 'Stillmotion{percent}：{parts}',
  'count.running': '{count} 个运行中',
  'count.paused': '{count} 个已暂停',
  'count.generating': '{count} 个生成中',
  'count.done': '{count} 个已完成',
  'count.attention': '{count} 个需要处理',
  'list.separator': '，',
  'close.title': '视频仍在生成',
  'close.message': 'Stillmotion 仍在生成视频。',
  'close.detail':
    '让它在托盘中继续运行以在夜间完成，或者退出：已付费的内容都会保留，下次启动 Stillmotion 时批次会继续。',
  'close.keep': '在托盘中继续运行',
  'close.quit': '退出（稍后继续）',
  'close.cancel': '取消',
  'dialog.pickInputs': '添加图片或文件夹',
  'dialog.pickImages': '参考元素的图片',
  'dialog.pickOutputDir': '视频保存到',
  'dialog.images': '图片',
  'storage.keychain': 'macOS 钥匙串',
  'storage.keychainMissing': '明文（钥匙串不可用）',
  'storage.dpapi': 'Windows DPAPI',
  'storage.dpapiMissing': '明文（DPAPI 不可用）',
  'storage.libsecret': 'GNOME 密钥环（libsecret）',
  'storage.kwallet': 'KWallet',
  'storage.noKeyring': '明文（未找到密钥环）',
  'storage.unavailable': '明文（加密不可用）',
  'start.failed': 'Stillmotion 无法启动',
} as const satisfies Record<DesktopTextKey, string>;

const TEXTS: Record<ReasonLanguage, Record<DesktopTextKey, string>> = { en, 'zh-CN': zhCN };

/** A text in a language, its values filled in (a missing one stays visible). */
export function desktopText(
  language: ReasonLanguage,
  key: DesktopTextKey,
  vars: Record<string, string | number> = {},
): string {
  return formatMessage(TEXTS[language]?.[key] ?? en[key], language, vars);
}

/**
 * The window's language as the OS integration uses it: the setting, or for "system" the OS's
 * locale read by the one rule (reasonLanguageFor), as the window's resolveLanguage does.
 */
export function desktopLanguage(setting: 'system' | 'en' | 'zh-CN', osLocale: string): ReasonLanguage {
  return setting === 'system' ? reasonLanguageFor(osLocale) : setting;
}
