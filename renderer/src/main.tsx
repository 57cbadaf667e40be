// The renderer's entry: mounts the React app into index.html.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Stylesheets in cascade order: the base and the shared controls (buttons, fields, tags, the
// rest) first, then each widget's own (imported by the widget, so through App), then the
// accessibility layer over all of them.
import './styles/base.css';
import './styles/buttons.css';
import './styles/fields.css';
import './styles/tags.css';
import './styles/controls.css';
import { App } from './app';
import './a11y.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
