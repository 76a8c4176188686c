package dev.watchkeeper.config;

/** One problem in a config file, with the path of the offending part ({@code services[1].name}). */
public record ConfigError(String path, String message) {
  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
