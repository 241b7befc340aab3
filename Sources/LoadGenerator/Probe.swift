import AsyncHTTPClient
public enum LoadProbe {}
