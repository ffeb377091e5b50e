"""xiangcun — 乡村振兴数字服务平台, a county-level rural revitalization digital service platform."""

__version__ = "0.1.0"
