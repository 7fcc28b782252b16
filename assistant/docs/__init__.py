"""The person's own documents: read (readers.py), cut into passages (chunks.py), indexed into the
store's libraries (indexer.py, assistant/store/documents.py) and retrieved for a question
(retrieval.py), whose passages go to the model with the question and are recorded with the reply."""

DEFAULT_LIBRARY = "Documents"  # where files go when no library is named
