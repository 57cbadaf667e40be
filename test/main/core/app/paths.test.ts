import { describe, expect, it } from 'vitest';
import { dataFiles, defaultDataDir, defaultLogDir, defaultOutputDir } from '../../../../main/core/app/paths';

describe('defaultDataDir', () => {
  it('matches Electron userData for productName Stillmotion on each OS', () => {
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'C:\\Users\\ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Stillmotion',
    );
    expect(defaultDataDir('darwin', {}, '/Users/ann')).toBe(
      '/Users/ann/Library/Application Support/Stillmotion',
    );
    expect(defaultDataDir('linux', {}, '/home/ann')).toBe('/home/ann/.config/Stillmotion');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/data/cfg' }, '/home/ann')).toBe(
      '/data/cfg/Stillmotion',
    );
  });

  it('falls back sensibly and honours the override', () => {
    expect(defaultDataDir('win32', {}, 'C:\\Users\\ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Stillmotion',
    );
    // A relative XDG_CONFIG_HOME is invalid per the spec and ignored.
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: 'cfg' }, '/home/ann')).toBe(
      '/home/ann/.config/Stillmotion',
    );
    expect(defaultDataDir('freebsd', {}, '/home/ann')).toBe('/home/ann/.config/Stillmotion');
    expect(defaultDataDir('linux', { STILLMOTION_DATA_DIR: '/tmp/sm' }, '/home/ann')).toBe('/tmp/sm');
  });

  it('puts outputs in the videos folder and logs where Electron does', () => {
    expect(defaultOutputDir('linux', '/home/ann')).toBe('/home/ann/Videos/Stillmotion');
    expect(defaultOutputDir('darwin', '/Users/ann')).toBe('/Users/ann/Movies/Stillmotion');
    expect(defaultOutputDir('win32', 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\Videos\\Stillmotion');
    expect(defaultLogDir('darwin', '/x', '/Users/ann')).toBe('/Users/ann/Library/Logs/Stillmotion');
    expect(defaultLogDir('linux', '/home/ann/.config/Stillmotion', '/home/ann')).toBe(
      '/home/ann/.config/Stillmotion/logs',
    );
    expect(dataFiles('/d', 'linux')).toEqual({
      database: '/d/stillmotion.sqlite',
      settings: '/d/settings.json',
      apiKey: '/d/api-key.bin',
      webhook: '/d/webhook.bin',
      thumbnails: '/d/thumbnails',
      catalogCache: '/d/runcomfy-catalog.json',
    });
  });
});
