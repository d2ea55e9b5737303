/**
 * What jsdom lacks for video tests, stubbed honestly: layout (getBoundingClientRect returns
 * zeros in jsdom) and media playback (HTMLMediaElement.play/pause are "not implemented"). The
 * stubs set the same properties and fire the same events a browser would.
 */

/** Gives `video` a laid-out size, as a browser's layout would. */
export function layout(video: HTMLVideoElement, width: number, height: number): HTMLVideoElement {
  video.getBoundingClientRect = () => ({ x: 0, y: 0, left: 0, top: 0, width, height, right: width, bottom: height, toJSON: () => ({}) });
  return video;
}

export function makeVideo(doc: Document, width = 640, height = 360): HTMLVideoElement {
  return layout(doc.createElement('video'), width, height);
}

interface MediaState {
  paused: boolean;
  currentTime: number;
  playbackRate: number;
  readyState: number;
}

/** Media state the element reports; play()/pause()/currentTime fire the events a browser fires. */
export function stubMedia(video: HTMLVideoElement, initial: Partial<MediaState> = {}): MediaState {
  const state: MediaState = { paused: true, currentTime: 0, playbackRate: 1, readyState: 4, ...initial };
  const fire = (type: string): boolean => video.dispatchEvent(new Event(type));
  Object.defineProperties(video, {
    paused: { get: () => state.paused, configurable: true },
    readyState: { get: () => state.readyState, configurable: true },
    duration: { get: () => 60, configurable: true },
    currentTime: {
      get: () => state.currentTime,
      set: (v: number) => {
        state.currentTime = v;
        fire('seeking');
        fire('seeked');
      },
      configurable: true,
    },
    playbackRate: {
      get: () => state.playbackRate,
      set: (v: number) => {
        state.playbackRate = v;
        fire('ratechange');
      },
      configurable: true,
    },
  });
  video.play = () => {
    state.paused = false;
    fire('play');
    fire('playing');
    return Promise.resolve();
  };
  video.pause = () => {
    state.paused = true;
    fire('pause');
  };
  return state;
}

/** Resolves after the finder's batching window (50 ms) and a turn of the event loop. */
export const settle = (ms = 80): Promise<void> => new Promise((done) => setTimeout(done, ms));
