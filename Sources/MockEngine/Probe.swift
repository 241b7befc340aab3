import Hummingbird
import Logging
public enum MockProbe {}
