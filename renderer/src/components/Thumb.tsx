// A thumbnail that degrades to a neutral tile when main cannot make one (it answers 415 for
// an unreadable image), instead of the browser's broken-image icon.
import { useState } from 'react';
import './Thumb.css';

/** `contain`: the whole picture, letterboxed, instead of a square crop (a fitted frame as it is). */
export function Thumb({ src, size, contain }: { src: string; size: number; contain?: boolean }) {
  const [failed, setFailed] = useState(false);
  if (failed)
    return <div className="thumb thumb-missing" style={{ width: size, height: size }} aria-hidden="true" />;
  return (
    <img
      className={contain ? 'thumb thumb-contain' : 'thumb'}
      src={src}
      alt=""
      loading="lazy"
      width={size}
      height={size}
      style={{ width: size, height: size }}
      onError={() => setFailed(true)}
    />
  );
}
