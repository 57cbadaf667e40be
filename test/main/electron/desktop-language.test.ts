// What the operating system shows for Stillmotion speaks the window's language: the menus, the
// tray, the close dialog, the notifications, the file pickers and where the key is kept; in
// Chinese not one English phrase is left (only names such as RunComfy). Electron is mocked.
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { BatchView, StateCounts } from '../../../main/core/domain';
import { ITEM_STATES } from '../../../main/core/domain';
import { reason } from '@common/reasons';
import { desktopLanguage } from '@common/desktop-texts';
import { hoursTracker } from '@common/batch-notices';
import { englishPhrases } from '../../english-in-chinese';

vi.mock('electron', () => ({
  app: { isPackaged: false, setAboutPanelOptions: vi.fn(), getLocale: () => 'zh-CN' },
  Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: vi.fn() },
  shell: { openPath: vi.fn() },
}));

const { menuTemplate } = await import('../../../main/electron/menu');
const { closeDialog, hoursNotification, notificationFor, summarizeProgress, trayTooltip } =
  await import('../../../main/electron/overnight');
const { describeStorage } = await import('../../../main/electron/safe-storage-secrets');
const { electronDialogs } = await import('../../../main/electron/dialogs');

const folders = { logFile: '/logs/main.log', logDir: '/logs', dataDir: '/data' };

function labels(items: readonly MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.type === 'separator' || item.role === 'appMenu'
      ? []
      : [item.label ?? `<no label: ${item.role}>`]),
    ...(Array.isArray(item.submenu) ? labels(item.submenu) : []),
  ]);
}

function counts(partial: Partial<StateCounts>): StateCounts {
  return { ...(Object.fromEntries(ITEM_STATES.map((s) => [s, 0])) as StateCounts), ...partial };
}

describe('the OS integration in Chinese', () => {
  it('takes the window’s language: the setting, or the OS’s for “system”', () => {
    expect(desktopLanguage('zh-CN', 'en-US')).toBe('zh-CN');
    expect(desktopLanguage('en', 'zh-CN')).toBe('en');
    expect(desktopLanguage('system', 'zh-TW')).toBe('zh-CN');
    expect(desktopLanguage('system', 'de-DE')).toBe('en');
  });

  it('labels every menu item, on every platform, with no English phrase in Chinese', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const zh = labels(menuTemplate(folders, { checkForUpdates: () => {} }, 'zh-CN', platform, false));
      expect(zh).not.toContainEqual(expect.stringContaining('<no label'));
      expect(zh).toContain('打开日志文件夹');
      expect(englishPhrases(zh.join('\n'))).toEqual([]);
      const en = labels(menuTemplate(folders, { checkForUpdates: () => {} }, 'en', platform, false));
      expect(en).toContain('Open Log Folder');
      expect(en).toHaveLength(zh.length);
    }
  });

  it('says the tray’s counts and the close dialog in Chinese', () => {
    const summary = summarizeProgress([
      {
        id: 1,
        state: 'running',
        pauseReason: null,
        total: 4,
        counts: counts({ done: 2, failed: 1, in_progress: 1 }),
      } as BatchView,
    ]);
    const tip = trayTooltip(summary, 'zh-CN');
    expect(tip).toBe('Stillmotion (75%)：1 个运行中，1 个生成中，2 个已完成，1 个需要处理');
    expect(trayTooltip(summarizeProgress([]), 'zh-CN')).toBe('Stillmotion：空闲');
    const close = closeDialog('zh-CN');
    expect(close.buttons).toEqual(['在托盘中继续运行', '退出（稍后继续）', '取消']);
    expect(englishPhrases([tip, close.title, close.message, close.detail].join('\n'))).toEqual([]);
  });

  it('notifies once, in Chinese, that a batch waiting for its hours sends again', () => {
    const hours = hoursTracker();
    const on = { notifications: true };
    const waiting = {
      id: 4,
      name: 'night',
      state: 'running',
      simulated: false,
      total: 6,
      spentUsd: 0,
      counts: counts({ queued: 6 }),
      condition: { code: 'waiting_for_window', params: {}, since: 0, message: 'waits' },
    } as unknown as BatchView;
    expect(hoursNotification(hours, waiting, on, 'zh-CN')).toBeNull();
    const sending = { ...waiting, condition: null, counts: counts({ queued: 5, submitting: 1 }) };
    expect(hoursNotification(hours, sending, on, 'zh-CN')).toEqual({
      title: '开始发送：night',
      body: '到了它的时段：批次会自动发送接下来的视频（还有 5 个等待）。',
    });
    expect(hoursNotification(hours, sending, on, 'zh-CN')).toBeNull();
  });

  it('notifies a finished batch and a pause in Chinese, with the engine’s account in Chinese too', () => {
    const on = { notifications: true };
    const finished = notificationFor(
      {
        type: 'batch-finished',
        batchId: 3,
        counts: counts({ done: 9, failed: 1, skipped: 2 }),
        spentUsd: 3.78,
      },
      { name: 'holiday', pauseMessage: null, pauseDetail: null, simulated: false },
      on,
      'zh-CN',
    )!;
    expect(finished).toEqual({
      title: '已完成：holiday',
      body: '10 个视频中 9 个已完成，1 个需要处理，2 个此前已生成；已花费 $3.78。',
    });
    const paused = notificationFor(
      { type: 'batch', batchId: 3, state: 'paused', pauseReason: 'no_balance' },
      {
        name: 'holiday',
        // Stored in English for the CLI; the code renders in the reader's language.
        pauseMessage:
          'The RunComfy account has no balance left (400002). Top up at runcomfy.com, then resume.',
        pauseDetail: reason('no_balance', { provider: '400002' }),
        simulated: false,
      },
      on,
      'zh-CN',
    )!;
    expect(paused.title).toBe('已暂停：holiday');
    expect(paused.body).toBe('RunComfy 账户余额不足（400002）。请在 runcomfy.com 充值，然后继续。');
    expect(englishPhrases(`${finished.title}\n${finished.body}\n${paused.title}\n${paused.body}`)).toEqual(
      [],
    );
  });

  it('never shows simulated money as real dollars, in either language', () => {
    const event = {
      type: 'batch-finished' as const,
      batchId: 1,
      counts: counts({ done: 2 }),
      spentUsd: 0.84,
    };
    const batch = { name: 'demo', pauseMessage: null, pauseDetail: null, simulated: true };
    expect(notificationFor(event, batch, { notifications: true }, 'en')!.body).toBe(
      '2 of 2 videos done; $0.84 (simulated) spent.',
    );
    expect(notificationFor(event, batch, { notifications: true }, 'zh-CN')!.body).toBe(
      '2 个视频中 2 个已完成；已花费 $0.84（模拟）。',
    );
  });

  it('names where the key is kept and titles the file pickers in Chinese', async () => {
    const storage = (backend: string, available = true) => ({
      isEncryptionAvailable: () => available,
      getSelectedStorageBackend: () => backend as never,
      encryptString: () => Buffer.alloc(0),
      decryptString: () => '',
    });
    expect(describeStorage(storage('basic_text'), 'linux', 'zh-CN')).toEqual({
      label: '明文（未找到密钥环）',
      secure: false,
    });
    expect(describeStorage(storage('gnome_libsecret'), 'linux', 'zh-CN').label).toBe(
      'GNOME 密钥环（libsecret）',
    );
    const titles: string[] = [];
    const dialogs = electronDialogs(
      {
        showOpenDialog: vi.fn(async (options: { title?: string }) => {
          titles.push(options.title ?? '');
          return { canceled: true, filePaths: [] };
        }),
      } as never,
      () => null,
      () => 'zh-CN',
    );
    await dialogs.pickInputs();
    await dialogs.pickImages();
    await dialogs.pickOutputDir();
    expect(titles).toEqual(['添加图片或文件夹', '参考元素的图片', '视频保存到']);
  });
});
