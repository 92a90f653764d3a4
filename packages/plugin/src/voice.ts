/** Audio containers OpenIM's apps play as voice messages (and what TTS may synthesize for us). */
export const VOICE_FORMATS = ["mp3", "m4a", "aac", "wav", "ogg", "opus", "amr"] as const;
const VOICE_EXT = new RegExp(`\\.(${VOICE_FORMATS.join("|")})(?:[?#].*)?$`, "i");

/**
 * What `capabilities.tts.voice` declares: OpenClaw's TTS writes an audio file in one of these formats
 * and marks the reply `audioAsVoice`, which goes out as a native voice message.
 */
export const VOICE_CAPABILITY = {
  synthesisTarget: "audio-file" as const,
  audioFileFormats: [...VOICE_FORMATS],
};

/** An audio file marked as voice (`audioAsVoice`, set by TTS or `[[audio_as_voice]]`) → OpenIM voice. */
export function isVoice(location: string, audioAsVoice: boolean | undefined): boolean {
  return audioAsVoice === true && VOICE_EXT.test(location);
}
